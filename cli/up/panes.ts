import type { SparkConfig } from "../../bus/config-schema.js";
import { CliError } from "../_errors.js";
import { TOOLS } from "../_tools.js";
import { splitRunArgv } from "../run/argv.js";

/** The panes of a Spark session, in the order they are made. */
export const ROLES = ["human", "sidecar", "app", "relay"] as const;
export type Role = (typeof ROLES)[number];

/** How tmux starts a pane's program. */
export type PaneStart =
  /** Executed as it is, no shell: this manifest (`manifest sidecar`, `manifest run dev`) or a notice. */
  | { argv: string[] }
  /** A command line the user wrote in the config, run by their shell as written. */
  | { shell: string };

/** What one pane runs. */
export interface PanePlan {
  role: Role;
  /** Shown on the pane's border. */
  label: string;
  /** The command as people read it (`pi`, `manifest run dev`). */
  command: string;
  start: PaneStart;
  /** Set when the command cannot start: the pane shows this instead, until `manifest up` retries. */
  notice: string | undefined;
  /** Variables for this pane only, on top of the ones every pane gets. */
  env?: Array<[string, string]>;
}

/** Tells the sidecar that it runs in `up`'s layout: `q` in its dashboard then closes the layout. */
export const LAYOUT_ENV = "SPARK_LAYOUT";

/** What planning may look at: injected so the rules are tested without a file system. */
export interface PlanContext {
  /** The argv that runs this same manifest (node, its flags, the CLI script): no global install needed. */
  self: readonly string[];
  /** The node binary, which shows notices. */
  node: string;
  /** Whether `program` (a bare name or a path) is something the pane could start. */
  canRun(program: string): boolean;
  /** Why `manifest run <command> <args…>` could not start (resolved as `run` does), if it could not. */
  runProblem(command: string, args: readonly string[]): { message: string; next: string } | undefined;
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** Builtins and keywords: a line that starts with one names no program to look for. */
const SHELL_WORDS = new Set(["exec", "command", "builtin", "time", ".", "source", "eval", "cd", "export", "set"]);

/** Prints the notice given as its argument and stays, so the pane shows it instead of dying. */
const NOTICE_SCRIPT = 'process.stdout.write(process.argv[1] + "\\n"); setInterval(() => {}, 1 << 30);';

/**
 * The words of a config command line when a shell would read them exactly as they are: no
 * quotes, variables, globs, operators or leading `VAR=value`. Undefined otherwise.
 */
export function plainWords(line: string): string[] | undefined {
  const words = line.trim().split(/ +/);
  const first = words[0];
  if (first === undefined || first === "" || first.includes("=")) return undefined;
  return words.every((w) => PLAIN_WORD.test(w)) ? words : undefined;
}

/**
 * The panes: the person's Pi (`up.human`), the sidecar dashboard, the app (`up.app`), and,
 * when the project has a hub, `manifest relay` under the app.
 */
export function planPanes(up: SparkConfig["up"], ctx: PlanContext, options: { hub?: boolean } = {}): PanePlan[] {
  const plans: PanePlan[] = [
    configuredPane("human", up.human, ctx),
    {
      role: "sidecar",
      label: "sidecar",
      command: "manifest sidecar",
      start: { argv: [...ctx.self, "sidecar"] },
      notice: undefined,
      env: [[LAYOUT_ENV, "1"]],
    },
    configuredPane("app", up.app, ctx),
  ];
  if (options.hub) {
    plans.push({
      role: "relay",
      label: "relay",
      command: "manifest relay",
      start: { argv: [...ctx.self, "relay"] },
      notice: undefined,
    });
  }
  return plans;
}

/**
 * A pane running a command from the config. `manifest …` there means this manifest, run
 * directly; anything else is the user's own line and goes to their shell untouched. A line
 * whose program is clearly missing (or `manifest run` of something that cannot start) gets a
 * notice that says what to do instead of a pane that dies with a cryptic status.
 */
function configuredPane(role: "human" | "app", line: string, ctx: PlanContext): PanePlan {
  const command = line.trim();
  const base = { role, label: `${role === "human" ? "you" : "app"}: ${command}`, command };
  if (command === "") {
    return withNotice(base, ctx, { message: `up.${role} is empty: this pane has nothing to run.`, next: "" });
  }
  const words = plainWords(command);
  if (words?.[0] === "manifest") {
    const problem = words[1] === "run" ? runProblem(words.slice(2), ctx) : undefined;
    if (problem) return withNotice(base, ctx, problem);
    return { ...base, start: { argv: [...ctx.self, ...words.slice(1)] }, notice: undefined };
  }
  const program = words?.[0];
  if (program !== undefined && !SHELL_WORDS.has(program) && !ctx.canRun(program)) {
    return withNotice(base, ctx, {
      message: `\`${program}\` was not found${program.includes("/") ? "" : " on PATH"}.`,
      next:
        role === "human" && program === "pi"
          ? `Install Pi: npm install -g ${TOOLS.pi.install.join(" ")}`
          : `Install \`${program}\`.`,
    });
  }
  return { ...base, start: { shell: command }, notice: undefined };
}

/** What `manifest run <rest>` would stumble on before starting anything. */
function runProblem(rest: readonly string[], ctx: PlanContext): { message: string; next: string } | undefined {
  try {
    const { command, args } = splitRunArgv(rest);
    return ctx.runProblem(command, args);
  } catch (error) {
    // `manifest run` would stop at its own arguments: say so now rather than in a dead pane.
    if (error instanceof CliError) return { message: error.message, next: error.next ?? "" };
    throw error;
  }
}

/** A pane that explains, in a few lines that fit a small pane, why its command cannot start. */
function withNotice(
  base: Omit<PanePlan, "start" | "notice">,
  ctx: PlanContext,
  problem: { message: string; next: string },
): PanePlan {
  const notice = [
    `manifest up: cannot start \`${base.command}\`.`,
    problem.message,
    problem.next,
    `Or set up.${base.role} in config/spark.ts; then \`manifest up\` restarts this pane.`,
  ]
    .filter((text) => text !== "")
    .join("\n");
  return { ...base, start: { argv: [ctx.node, "-e", NOTICE_SCRIPT, notice] }, notice };
}
