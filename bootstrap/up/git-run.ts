import { spawn } from "node:child_process";

/** A git command that failed: its words and what it printed on stderr. */
export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(
      `git ${args.join(" ")} failed${code === null ? "" : ` (exit ${code})`}: ${stderr.trim().split("\n").at(-1) ?? ""}`,
    );
  }
}

/** Runs git in `cwd` with an argument vector (no shell); resolves with its stdout. */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: Buffer | string } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-4096);
    });
    child.on("error", (error) => reject(new GitError(args, error.message, null)));
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new GitError(args, err, code))));
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}
