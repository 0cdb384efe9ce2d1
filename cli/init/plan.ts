import { CONFIG_TEMPLATE } from "./config-template.js";
import { hasRegister, insertRegister } from "./entry-file.js";
import { wiringAdvice } from "./framework.js";
import type { FrameworkFact } from "./framework-files.js";
import { wireApp, wireNext } from "./framework-wiring.js";
import { planPiSettings, type SparkPiEntries } from "./pi-settings.js";

/**
 * `manifest spark init` as a plan (pure): from what the project holds now, the list of changes
 * with their content before and after. `--dry-run` prints it; otherwise it is applied. A
 * project that is set up yields an empty plan.
 */

/** The app's entry file, as found (or why not). */
export type EntryFact =
  | { state: "skipped" }
  | { state: "not-found"; tried: string[] }
  | { state: "found"; path: string; from: string; content: string; kind: "esm" | "cjs" };

/** What the project holds now, gathered by `gatherInitFacts`. */
export interface InitFacts {
  /** The existing config file (relative to the root), if any. */
  configFile: string | undefined;
  /** Why the existing config does not load, if it does not. */
  configProblem: string | undefined;
  /** `.pi/settings.json` as it is, undefined when missing. */
  piSettings: string | undefined;
  /** The entries Spark writes into it. */
  want: SparkPiEntries;
  /** Whether a settings entry (as written) points at something that exists. */
  resolves: (entry: string) => boolean;
  /** Spark is installed in the project's node_modules (else the entries are absolute paths). */
  installedInProject: boolean;
  /** The extension file the entries point at exists (a clone may not be built yet). */
  extensionBuilt: boolean;
  entry: EntryFact;
  /** Bus folders that are missing or looser than 0700, and whether `.spark/.gitignore` exists. */
  bus: { missing: string[]; loose: string[]; gitignore: boolean };
  /** The web frameworks the app uses (Express, Fastify, Hono, Koa, Next). */
  frameworks: FrameworkFact[];
  /** `--yes`: add their integrations' lines instead of printing them. */
  wireFrameworks: boolean;
}

/** One change: a file created or updated, or the bus folders made. */
export interface InitChange {
  /** Relative to the project root. */
  path: string;
  action: "create" | "update" | "mkdir";
  summary: string;
  /** Content before (undefined: no file) and after; none for `mkdir`. */
  before?: string | undefined;
  after?: string | undefined;
}

/** Something the user should know that is not a change. */
export interface InitNote {
  level: "info" | "warn";
  message: string;
  next?: string;
}

export type InitPlan =
  | { ok: true; changes: InitChange[]; notes: InitNote[] }
  | { ok: false; problem: string; next: string };

/** Builds the plan. A settings file Spark cannot merge into stops the whole plan. */
export function planInit(f: InitFacts): InitPlan {
  const changes: InitChange[] = [];
  const notes: InitNote[] = [];

  if (f.configFile === undefined) {
    changes.push({
      path: "config/spark.ts",
      action: "create",
      summary: "typed defaults, every option commented",
      before: undefined,
      after: CONFIG_TEMPLATE,
    });
  } else if (f.configProblem) {
    notes.push({
      level: "warn",
      message: `${f.configFile} does not load: ${f.configProblem}`,
      next: "Fix it; `manifest doctor` names the field.",
    });
  }

  const settings = planPiSettings(f.piSettings, f.want, f.resolves);
  if (!settings.ok) return { ok: false, problem: settings.problem, next: settings.next };
  if (settings.after !== undefined) {
    changes.push({
      path: ".pi/settings.json",
      action: f.piSettings === undefined ? "create" : "update",
      summary: settings.actions.join("; "),
      before: f.piSettings,
      after: settings.after,
    });
  }
  if (!f.extensionBuilt) {
    notes.push({
      level: "warn",
      message: `the Spark extension is not built yet (${f.want.extension} does not exist)`,
      next: "Run `npm run build` in the Spark package.",
    });
  }
  if (!f.installedInProject) {
    notes.push({
      level: "warn",
      message:
        "manifest-spark is not installed in this project, so .pi/settings.json points at this Spark by absolute path",
      next: "Run `npm install manifest-spark`, then `manifest spark init` again: the paths become relative and work for everyone.",
    });
  }

  const entry = f.entry;
  if (entry.state === "found" && !hasRegister(entry.content)) {
    const inserted = insertRegister(entry.content, entry.kind);
    changes.push({
      path: entry.path,
      action: "update",
      summary: `added the ${entry.kind === "esm" ? "import" : "require"} of manifest-spark/register as line ${inserted.line} (found from ${entry.from})`,
      before: entry.content,
      after: inserted.content,
    });
  } else if (entry.state === "not-found") {
    notes.push({
      level: "warn",
      message: "no entry file found (package.json main, the start/dev script, server.*, index.*, src/…, app.*)",
      next: 'Add `import "manifest-spark/register";` as the first import of your entry file, or run `manifest spark init --entry-file <file>`.',
    });
  }

  planFrameworks(f.frameworks, f.wireFrameworks, changes, notes);

  if (f.bus.missing.length > 0 || f.bus.loose.length > 0 || !f.bus.gitignore) {
    const made = f.bus.missing.length > 0 ? "created the private bus folders (0700)" : "";
    const tightened = f.bus.loose.length > 0 ? `tightened ${f.bus.loose.join(", ")} to 0700` : "";
    const ignore = f.bus.gitignore ? "" : "wrote .spark/.gitignore (its contents stay out of git)";
    changes.push({ path: ".spark/", action: "mkdir", summary: [made, tightened, ignore].filter(Boolean).join("; ") });
  }
  return { ok: true, changes, notes };
}

/**
 * The framework part of `spark init` (pure): for each framework the app uses but has not wired,
 * the one line as a note, or (with `--yes`) as a change. A file the plan already changes (the
 * entry file that gets the register import) gets the line in that same change.
 */
function planFrameworks(facts: FrameworkFact[], wire: boolean, changes: InitChange[], notes: InitNote[]): void {
  for (const fact of facts) {
    const { framework, target } = fact;
    if (fact.wiredIn !== undefined) continue;
    const advice = wiringAdvice(framework);
    if (!wire) {
      notes.push({
        level: "info",
        message: `${framework.name} app: Spark records its errors (with the route pattern) once its integration is wired`,
        next: `Add ${advice}, or run \`manifest spark init --yes\` to add it.`,
      });
      continue;
    }
    if (target.state === "not-found") {
      notes.push({
        level: "warn",
        message: `${framework.name} app: init did not find the file that makes the app`,
        next: `Add ${advice}.`,
      });
      continue;
    }
    const path = target.state === "found" ? target.file.path : target.path;
    const pending = changes.find((c) => c.path === path && c.after !== undefined);
    const current = pending?.after ?? (target.state === "found" ? target.file.content : undefined);
    const wiring =
      framework.id === "next"
        ? wireNext(framework, current)
        : wireApp(framework, current ?? "", target.state === "found" ? target.file.kind : "esm");
    if (!wiring.ok) {
      notes.push({
        level: "warn",
        message: `${framework.name} app: not wired in ${path}: ${wiring.problem}`,
        next: `Add ${advice}.`,
      });
      continue;
    }
    const summary = `wired Spark's ${framework.name} integration (line ${wiring.line})`;
    if (pending) {
      pending.after = wiring.content;
      pending.summary = `${pending.summary}; ${summary}`;
    } else {
      changes.push({
        path,
        action: current === undefined ? "create" : "update",
        summary,
        before: current,
        after: wiring.content,
      });
    }
    if (framework.id === "express") {
      notes.push({
        level: "info",
        message: `${path}: Spark's error handler is on line ${wiring.line}`,
        next: "It must come after your routes and before your own error handler: move it if it does not.",
      });
    }
  }
}
