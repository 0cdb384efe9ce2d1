import { type ChildProcess, spawn } from "node:child_process";

/** Output and exit of a finished child process. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What a child has printed so far, collected as it arrives. */
export interface Output {
  stdout(): string;
  stderr(): string;
  /** Complete stdout lines so far (a line still being written is left out). */
  lines(): string[];
}

/** Starts collecting `child`'s stdout and stderr; pass the result on to `finished`. */
export function collectOutput(child: ChildProcess): Output {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return { stdout: () => stdout, stderr: () => stderr, lines: () => stdout.split("\n").slice(0, -1) };
}

/** Each complete stdout line parsed as JSON: a process speaking NDJSON. */
export const jsonLines = (output: Output): Array<Record<string, unknown>> =>
  output
    .lines()
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Resolves when `child` exits, with everything it printed (collected by `output` when given). */
export function finished(child: ChildProcess, output: Output = collectOutput(child)): Promise<Finished> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout: output.stdout(), stderr: output.stderr() }));
  });
}

/** Runs `node <args>` in `cwd` and waits for it. */
export function runNode(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Finished> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end(options.input ?? "");
  return finished(child);
}

/** Resolves once `predicate` holds, polling every `intervalMs`; rejects after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export { freePort } from "../../cli/demo/free-port.js";
