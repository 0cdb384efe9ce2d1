import { type ChildProcess, spawn } from "node:child_process";
import { afterEach } from "vitest";
import { CLEAN_ENV, CLI } from "./cli.js";
import { collectOutput, type Finished, finished } from "./processes.js";
// Imported first for its order: its afterEach (removing temp projects) then runs after ours
// (after-hooks run in reverse), so no folder is pulled from under a live command.
import "./temp-project.js";

/** A `manifest` command that is still running (`tail`), with what it has printed so far. */
export interface RunningManifest {
  readonly child: ChildProcess;
  /** Complete lines printed on stdout so far. */
  lines(): string[];
  stderr(): string;
  readonly exit: Promise<Finished>;
}

const running = new Set<RunningManifest>();

afterEach(async () => {
  const left = [...running];
  running.clear();
  for (const run of left) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill("SIGKILL");
  await Promise.all(left.map((r) => r.exit.catch(() => undefined)));
});

/** Starts the built `manifest <args>` in `cwd` and returns at once; killed after the test if still running. */
export function startManifest(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunningManifest {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...CLEAN_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exit = finished(child, output);
  const run: RunningManifest = { child, lines: output.lines, stderr: output.stderr, exit };
  running.add(run);
  void exit.finally(() => running.delete(run));
  return run;
}
