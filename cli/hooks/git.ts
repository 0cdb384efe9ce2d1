import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { CliError } from "../_errors.js";

const run = promisify(execFile);

/** Where the hooks of the repository holding `root` live. */
export interface GitHookLocation {
  /** The folder git really runs hooks from (`core.hooksPath` and worktrees respected). */
  hooksDir: string;
  /** `root` relative to the worktree root, "" when it is the root (`git rev-parse --show-prefix`). */
  prefix: string;
}

/** Why there are no hooks to look at. */
export type GitProblem = "no-git" | "no-repo";

async function git(
  cwd: string,
  args: string[],
): Promise<{ ok: true; stdout: string } | { ok: false; problem: GitProblem; message: string }> {
  try {
    const { stdout } = await run("git", args, { cwd, timeout: 10_000, env: withoutRepoOverrides(process.env) });
    return { ok: true, stdout };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") return { ok: false, problem: "no-git", message: "git is not installed" };
    return { ok: false, problem: "no-repo", message: (e.stderr ?? e.message).trim() };
  }
}

/**
 * GIT_DIR and friends point at whatever repository ran us (inside a hook they are set); asking
 * about `root` must look at the repository that holds `root` instead.
 */
function withoutRepoOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX"]) delete clean[name];
  return clean;
}

/** The hooks folder of `root`'s repository, or why there is none. */
export async function locateHooks(
  root: string,
): Promise<{ ok: true; location: GitHookLocation } | { ok: false; problem: GitProblem; message: string }> {
  // One call: --show-prefix prints a line (empty at the top), then the hooks path.
  const result = await git(root, ["rev-parse", "--show-prefix", "--git-path", "hooks"]);
  if (!result.ok) return result;
  const [prefix = "", hooks = ""] = result.stdout.split("\n");
  if (hooks === "") return { ok: false, problem: "no-repo", message: "git rev-parse printed no hooks path" };
  return { ok: true, location: { hooksDir: resolve(root, hooks), prefix: prefix.replace(/\/$/, "") } };
}

/** The hooks folder, or a CliError that says what to do. */
export async function requireHooks(root: string): Promise<GitHookLocation> {
  const found = await locateHooks(root);
  if (found.ok) return found.location;
  if (found.problem === "no-git") {
    throw new CliError(
      "git is not installed (or not on PATH).",
      "E_NO_GIT",
      "Install git, then run the command again.",
    );
  }
  throw new CliError(
    `${root} is not in a git repository.`,
    "E_NO_REPO",
    "Run `git init` (or work in a clone), then run the command again.",
  );
}

/** The absolute paths of the folders git keeps while a rebase runs or is stopped (none outside a repo). */
export async function rebaseStatePaths(root: string): Promise<string[]> {
  const result = await git(root, ["rev-parse", "--git-path", "rebase-merge", "--git-path", "rebase-apply"]);
  if (!result.ok) return [];
  return result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((path) => resolve(root, path));
}

/** True while a rebase is stopped or running: its state folder exists in the git dir. */
export async function rebaseInProgress(root: string): Promise<boolean> {
  return (await rebaseStatePaths(root)).some((path) => existsSync(path));
}
