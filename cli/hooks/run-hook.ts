import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { findConfigFile, loadConfig, SparkConfigError } from "../../bus/config-load.js";
import { busPaths } from "../../bus/paths.js";
import { clearPause, readPause, writePause } from "../../bus/pause.js";
import { ensureBusDirs } from "../../bus/secure-fs.js";
import { EXIT } from "../_errors.js";
import { rebaseInProgress, rebaseStatePaths } from "./git.js";
import {
  checkArgv,
  gitCommandOf,
  HOOK_PAUSE_BY,
  PAUSE_HOOKS,
  RESUME_HOOKS,
  rebasePauseReason,
  shouldResume,
} from "./roles.js";

/** What the installed hook passes on. */
export interface HookRun {
  hook: string;
  /** The hook's own arguments, as git gave them. */
  args: string[];
  /** Run the configured checks (the block says so when the config had some at install time). */
  checks: boolean;
  root: string;
  /** The git process that runs the hook (`$PPID` in the hook). */
  gitPid: number | undefined;
  /** Messages for the person at the terminal (git shows hook output). */
  say: (line: string) => void;
}

/**
 * Runs Spark's part of a git hook: the rebase pause, its lifting, and the configured checks.
 * Returns the hook's exit code: non-zero only when a check failed (or the config that lists the
 * checks is broken), so Spark itself never blocks a rebase, a checkout or a commit.
 */
export async function runHook(run: HookRun): Promise<number> {
  const paths = busPaths(run.root);
  // A hooks folder shared by many repositories (a global core.hooksPath) reaches projects
  // that never set Spark up: leave those alone.
  if (!existsSync(paths.spark) && !findConfigFile(run.root)) return EXIT.ok;

  if (RESUME_HOOKS.includes(run.hook)) await maybeResume(run);
  if (run.checks) {
    const code = await runChecks(run);
    if (code !== EXIT.ok) return code;
  }
  if (PAUSE_HOOKS.includes(run.hook)) await pauseForRebase(run);
  return EXIT.ok;
}

async function pauseForRebase(run: HookRun): Promise<void> {
  const paths = busPaths(run.root);
  const state = readPause(paths, Number.POSITIVE_INFINITY);
  // Someone's own pause (or an unreadable one, which holds anyway) stays as it is: replacing it
  // would let the end of the rebase lift a pause the hook never set.
  if (state.kind === "unreadable" || (state.kind === "paused" && state.pause.by !== HOOK_PAUSE_BY)) return;
  ensureBusDirs(paths);
  // The pause lasts while the rebase's git process or its state folder is there, however long
  // that is, and ends with them: an aborted rebase runs no hook, so readers look themselves.
  const rebase = { paths: await rebaseStatePaths(run.root), gitPid: run.gitPid };
  writePause(paths, { by: HOOK_PAUSE_BY, reason: rebasePauseReason(run.gitPid), rebase });
  run.say("⏸ Spark paused while git rebases (it resumes when the rebase is over).");
}

async function maybeResume(run: HookRun): Promise<void> {
  const paths = busPaths(run.root);
  const state = readPause(paths, Number.POSITIVE_INFINITY);
  if (state.kind !== "paused" || state.pause.by !== HOOK_PAUSE_BY) return;
  const resume = shouldResume({
    hook: run.hook,
    args: run.args,
    pausedBy: state.pause.by,
    pauseReason: state.pause.reason,
    rebaseInProgress: run.hook === "post-rewrite" ? true : await rebaseInProgress(run.root),
    gitPid: run.gitPid,
  });
  if (resume && clearPause(paths, { onlyBy: HOOK_PAUSE_BY })) run.say("▶ Spark resumed: the rebase is over.");
}

async function runChecks(run: HookRun): Promise<number> {
  let commands: string[];
  try {
    commands = loadConfig(run.root).config.hooks[run.hook] ?? [];
  } catch (error) {
    if (!(error instanceof SparkConfigError)) throw error;
    run.say(`✖ Spark: the ${run.hook} checks did not run: ${error.message}`);
    run.say(
      `  Fix config/spark.ts (\`manifest doctor\` names the field), or skip once: ${gitCommandOf(run.hook)} --no-verify`,
    );
    return EXIT.config;
  }
  for (const command of commands) {
    if (command.trim() === "") continue;
    run.say(`⚡ Spark ${run.hook} check: ${command}`);
    const code = await runThroughManifest(run.root, run.hook, checkArgv(command));
    if (code !== EXIT.ok) {
      run.say(`✖ Spark: the ${run.hook} check \`${command}\` failed (exit ${code}); git stops here.`);
      run.say(
        `  Its log is in .spark/logs/ and a process-error event went to Spark. Fix it, or skip once: ${gitCommandOf(run.hook)} --no-verify`,
      );
      return code;
    }
  }
  return EXIT.ok;
}

/**
 * `manifest run --name <hook> -- <argv>` with this same `manifest` (node + script), so the
 * failure becomes a process-error event and the log is named after the hook. The user's command is an argv element, never spliced
 * into a shell string here.
 */
function runThroughManifest(root: string, hook: string, argv: string[]): Promise<number> {
  const script = process.argv[1] ?? "manifest";
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, "run", "--name", hook, "--", ...argv], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", () => resolve(EXIT.notFound));
    child.once("close", (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}
