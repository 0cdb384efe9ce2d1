import { execFile } from "node:child_process";
import { devNull } from "node:os";

/**
 * The environment of git in tests: no global or system config (a developer's core.hooksPath
 * or template dir must not leak in), no repository overrides, no Spark variables.
 */
export const GIT_ENV: NodeJS.ProcessEnv = {
  GIT_CONFIG_GLOBAL: devNull,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  SPARK_ROOT: "",
  SPARK_ENV: "",
  SPARK_ENABLED: "",
  NO_COLOR: "1",
};

function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV, ...extra };
  // Set to "", these would still mean something to git: remove them.
  for (const key of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"]) delete env[key];
  return env;
}

/** Result of one git command. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd`; never throws on a non-zero exit (tests look at `code`). */
export function git(cwd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env: cleanEnv(extra), timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === "string") return reject(error);
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs git and fails the test with git's output when it exits non-zero. */
export async function gitOk(cwd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await git(cwd, args, extra);
  if (result.code !== 0)
    throw new Error(`git ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `git init` with a local identity and branch `main`. */
export async function initRepo(dir: string): Promise<void> {
  await gitOk(dir, ["init", "-q", "-b", "main"]);
  await gitOk(dir, ["config", "user.name", "Spark Test"]);
  await gitOk(dir, ["config", "user.email", "spark@example.com"]);
  await gitOk(dir, ["config", "commit.gpgsign", "false"]);
}

/** Stages everything and commits. */
export async function commitAll(dir: string, message: string): Promise<void> {
  await gitOk(dir, ["add", "-A"]);
  await gitOk(dir, ["commit", "-q", "-m", message]);
}
