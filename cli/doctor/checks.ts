import type { BusCounts } from "../../bus/maintenance.js";
import type { PauseState } from "../../bus/pause.js";
import type { RunFact } from "../../bus/runs.js";
import { needsTrust, type PiTrust, trustAdvice } from "../_pi-trust.js";
import { installCommand, type ToolProblem } from "../_tools.js";
import type { HookStatus } from "../hooks/state.js";
import { agentsCheck, busCheck, eventsCheck, INIT, pauseCheck, runsCheck, sidecarCheck } from "./bus-checks.js";
import { type FrameworkStatus, frameworkCheck } from "./framework-check.js";
import { type ToolLevelsFact, toolsLevelCheck } from "./tools-level-check.js";

/**
 * `manifest doctor`'s checks, built from gathered facts by a pure function (tests call it with
 * crafted facts). Every check that is not ok says what to do next.
 */

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** The next step; every warn and fail has one. */
  next?: string;
  /** More lines under the detail (runs, hooks). */
  lines?: string[];
}

/** The oldest Node Spark supports (package.json `engines`). */
export const MIN_NODE = "20.19.0";

/** An entry of `.pi/settings.json` and where it leads. */
export interface SettingsEntryFact {
  entry: string;
  resolved: string;
  exists: boolean;
}

/** Everything doctor looks at, gathered by `gatherDoctorFacts`. */
export interface DoctorFacts {
  now: number;
  nodeVersion: string;
  pi:
    | { found: false; searched: string[] }
    | { found: true; path: string; version: string | undefined; problem: string | undefined };
  /** Pi 1.x's trust decision for the project (checked only when pi is 1.x or later). */
  piTrust: PiTrust;
  /** The model the sidecar would get (see sidecar/model-probe.ts). */
  model:
    | { state: "ok"; model: string; source: "config" | "pi-default"; agentDir: string }
    | { state: "none"; reason: string; agentDir: string }
    | { state: "unknown"; wanted: string; agentDir: string }
    | { state: "no-sdk"; install: string }
    | { state: "error"; message: string };
  piSettings:
    | { state: "missing" }
    | { state: "malformed"; problem: string }
    | { state: "ok"; extension: SettingsEntryFact | undefined; skills: SettingsEntryFact | undefined };
  config:
    | { state: "ok"; file: string | undefined }
    | { state: "error"; file: string | undefined; field: string | undefined; message: string };
  /** The tools level per environment; undefined when the config does not load. */
  toolLevels: ToolLevelsFact | undefined;
  bus: { exists: boolean; gitignore: boolean; missing: string[]; loose: { path: string; mode: number }[] };
  pause: PauseState;
  staleMinutes: number;
  rebaseInProgress: boolean;
  agents: { live: number; dead: string[]; unreadable: string[] };
  counts: BusCounts;
  sidecar: { id: string; pid: number } | undefined;
  runs: RunFact[];
  tmux: { found: boolean; version: string | undefined };
  tools: {
    /** Why `manifest sidecar` cannot start here (the words the command itself says), if it cannot. */
    sidecar: ToolProblem | undefined;
    /** Every optional tool, and where it is installed (undefined: nowhere). */
    found: { name: string; source: "project" | "global" | undefined }[];
  };
  git: { state: "no-git" } | { state: "no-repo" } | { state: "ok"; hooksDir: string; hooks: HookStatus[] };
  /** The web frameworks in package.json, and whether Spark's integration is wired for each. */
  frameworks: FrameworkStatus[];
}

/** `a.b.c` ≥ `x.y.z`. */
export function versionAtLeast(version: string, min: string): boolean {
  const parts = (v: string) =>
    v
      .replace(/^v/, "")
      .split(".")
      .map((n) => Number.parseInt(n, 10) || 0);
  const a = parts(version);
  const b = parts(min);
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** All checks, in the order doctor prints them. */
export function buildChecks(f: DoctorFacts): Check[] {
  return [
    nodeCheck(f),
    piCheck(f),
    toolsCheck(f),
    modelCheck(f),
    ...piSettingsChecks(f),
    ...piTrustChecks(f),
    configCheck(f),
    toolsLevelCheck(f.toolLevels),
    frameworkCheck(f.frameworks),
    busCheck(f),
    pauseCheck(f),
    agentsCheck(f),
    eventsCheck(f),
    sidecarCheck(f),
    runsCheck(f),
    tmuxCheck(f),
    hooksCheck(f),
  ];
}

function nodeCheck(f: DoctorFacts): Check {
  const base = { id: "node", title: "Node" };
  if (versionAtLeast(f.nodeVersion, MIN_NODE)) return { ...base, status: "ok", detail: `Node ${f.nodeVersion}` };
  return {
    ...base,
    status: "fail",
    detail: `Node ${f.nodeVersion} is older than ${MIN_NODE}, the oldest Spark supports`,
    next: "Install Node 20.19 or newer (for example `nvm install 22`).",
  };
}

function piCheck(f: DoctorFacts): Check {
  const base = { id: "pi", title: "Pi" };
  if (!f.pi.found) {
    return {
      ...base,
      status: "fail",
      detail: `the pi command is not installed where the app is (looked in ${f.pi.searched.join(" and on ")})`,
      next: `Run \`${installCommand(["pi"])}\` in the app's folder (or install it globally: -g instead of -D).`,
    };
  }
  if (f.pi.problem || !f.pi.version) {
    return {
      ...base,
      status: "fail",
      detail: `${f.pi.path} does not run: ${f.pi.problem ?? "`pi --version` printed nothing"}`,
      next: `Reinstall Pi: \`${installCommand(["pi"])}\`.`,
    };
  }
  return { ...base, status: "ok", detail: `pi ${f.pi.version} (${f.pi.path})` };
}

function toolsCheck(f: DoctorFacts): Check {
  const base = { id: "tools", title: "Tools" };
  const { sidecar, found } = f.tools;
  if (sidecar) return { ...base, status: "fail", detail: sidecar.message, next: sidecar.next };
  const installed = found.flatMap((t) => (t.source ? [`${t.name} (${t.source})`] : []));
  const absent = found.flatMap((t) => (t.source ? [] : [t.name]));
  return {
    ...base,
    status: "ok",
    detail: `installed: ${installed.join(", ")}`,
    ...(absent.length > 0
      ? { lines: [`not installed: ${absent.join(", ")} (the commands that use them say how to add them)`] }
      : {}),
  };
}

function modelCheck(f: DoctorFacts): Check {
  const base = { id: "model", title: "Model" };
  const m = f.model;
  switch (m.state) {
    case "ok":
      return {
        ...base,
        status: "ok",
        detail: `the sidecar would use ${m.model} (${m.source === "config" ? "config sidecar.model" : "Pi's default"})`,
      };
    case "none":
      return {
        ...base,
        status: "fail",
        detail: `no usable model: ${m.reason}. The sidecar would only watch (events wait on disk)`,
        next: `Run \`pi\` and log in with /login, or export an API key (ANTHROPIC_API_KEY, OPENAI_API_KEY, …), or add a provider to ${m.agentDir}/models.json.`,
      };
    case "unknown":
      return {
        ...base,
        status: "fail",
        detail: `config sidecar.model "${m.wanted}" is not a model Pi knows`,
        next: "Set sidecar.model to one of `pi --list-models` (as provider/id), or remove it to use Pi's default.",
      };
    case "no-sdk":
      return {
        ...base,
        status: "fail",
        detail: "the sidecar cannot start: the Pi SDK is not installed where Spark runs",
        next: `Run \`${m.install}\`.`,
      };
    case "error":
      return {
        ...base,
        status: "warn",
        detail: `could not ask Pi which model the sidecar would use: ${m.message}`,
        next: "Run `manifest sidecar --headless` to see what it says at start-up.",
      };
  }
}

function piSettingsChecks(f: DoctorFacts): Check[] {
  const ext = { id: "pi-extension", title: "Pi extension" };
  const skills = { id: "pi-skills", title: "Pi skills" };
  const s = f.piSettings;
  if (s.state !== "ok") {
    const detail =
      s.state === "missing"
        ? "no .pi/settings.json, so Pi does not load Spark in this project"
        : `.pi/settings.json is not usable: ${s.problem}`;
    const next = s.state === "missing" ? INIT : "Fix .pi/settings.json, then run `manifest spark init`.";
    return [
      { ...ext, status: "fail", detail, next },
      { ...skills, status: "warn", detail: "not checked (see the Pi extension check)", next },
    ];
  }
  const entryCheck = (
    base: { id: string; title: string },
    fact: SettingsEntryFact | undefined,
    what: string,
    missing: CheckStatus,
  ): Check => {
    if (!fact) return { ...base, status: missing, detail: `.pi/settings.json does not list ${what}`, next: INIT };
    if (!fact.exists) {
      return {
        ...base,
        status: "fail",
        detail: `${what} entry ${fact.entry} does not resolve (${fact.resolved} is missing)`,
        next: "Run `manifest spark init` (it replaces that entry), or `npm run build` if Spark is a clone.",
      };
    }
    return { ...base, status: "ok", detail: `${what}: ${fact.entry}` };
  };
  return [
    entryCheck(ext, s.extension, "the Spark extension", "fail"),
    entryCheck(skills, s.skills, "Spark's skills", "warn"),
  ];
}

function piTrustChecks(f: DoctorFacts): Check[] {
  if (!f.pi.found || !f.pi.version || !needsTrust(f.pi.version)) return [];
  const base = { id: "pi-trust", title: "Pi project trust" };
  const advice = trustAdvice(f.piTrust, f.pi.version);
  if (!advice) {
    const why = f.piTrust.state === "trusted" ? f.piTrust.why : "";
    return [{ ...base, status: "ok", detail: `Pi ${f.pi.version} loads this project's settings (${why})` }];
  }
  return [{ ...base, status: advice.level, detail: advice.message, next: advice.next }];
}

function configCheck(f: DoctorFacts): Check {
  const base = { id: "config", title: "Config" };
  if (f.config.state === "ok") {
    return f.config.file
      ? { ...base, status: "ok", detail: `${f.config.file} loads and validates` }
      : { ...base, status: "warn", detail: "no config/spark.ts: the defaults apply", next: INIT };
  }
  const where = f.config.file ?? "config/spark.ts";
  return {
    ...base,
    status: "fail",
    detail: f.config.field ? `\`${f.config.field}\` is invalid: ${f.config.message}` : f.config.message,
    next: f.config.field
      ? `Fix \`${f.config.field}\` in ${where}, then run \`manifest doctor\` again.`
      : `Fix ${where} (it must default-export defineSparkConfig({ … })), then run \`manifest doctor\` again.`,
  };
}

function tmuxCheck(f: DoctorFacts): Check {
  const base = { id: "tmux", title: "tmux" };
  if (f.tmux.found) return { ...base, status: "ok", detail: f.tmux.version ?? "tmux" };
  return {
    ...base,
    status: "warn",
    detail: "tmux is not installed: `manifest up` needs it",
    next: "Install tmux (`apt install tmux` or `brew install tmux`).",
  };
}

function hooksCheck(f: DoctorFacts): Check {
  const base = { id: "git-hooks", title: "Git hooks" };
  if (f.git.state === "no-git") {
    return {
      ...base,
      status: "warn",
      detail: "git is not installed",
      next: "Install git, then `manifest hooks install`.",
    };
  }
  if (f.git.state === "no-repo") return { ...base, status: "ok", detail: "not a git repository: no hooks needed" };
  const bad = f.git.hooks.filter((h) => h.state !== "installed");
  const lines = bad.map((h) => `${h.name}: ${h.state}${h.problem ? ` (${h.problem})` : ""}`);
  if (bad.length === 0) return { ...base, status: "ok", detail: `installed in ${f.git.hooksDir}` };
  const checksMissing = bad.filter((h) => h.roles.includes("checks") && h.state !== "unneeded").map((h) => h.name);
  const blocked = bad.find((h) => h.state === "blocked");
  return {
    ...base,
    status: checksMissing.length > 0 ? "fail" : "warn",
    detail:
      checksMissing.length > 0
        ? `the checks configured for ${checksMissing.join(", ")} do not run`
        : `not all installed in ${f.git.hooksDir}: rebases may not pause Spark`,
    next: blocked?.next ? `${blocked.name}: ${blocked.next}` : "Run `manifest hooks install`.",
    lines,
  };
}
