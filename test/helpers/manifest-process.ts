import { type ChildProcess, spawn } from "node:child_process";
import { afterEach } from "vitest";
import { CLI } from "./cli.js";
import { type Finished, finished } from "./processes.js";
// Imported first for its order: its afterEach (removing temp projects) then runs after ours
// (after-hooks run in reverse), so no folder is pulled from under a live command.
import "./temp-project.js";

/** The environment `manifest` gets in the tests: no Spark settings leaking in, no colour. */
export const CLEAN_ENV = { SPARK_ROOT: "", SPARK_ENV: "", SPARK_ENABLED: "", NODE_ENV: "", NO_COLOR: "1" };

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
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = finished(child);
  const run: RunningManifest = { child, lines: () => stdout.split("\n").slice(0, -1), stderr: () => stderr, exit };
  running.add(run);
  void exit.finally(() => running.delete(run));
  return run;
}
