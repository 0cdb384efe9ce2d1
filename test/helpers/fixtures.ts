import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { afterEach } from "vitest";
import { collectOutput, type Finished, finished } from "./processes.js";
import { REPO } from "./repo.js";
// Imported for its order: its afterEach (removing temp projects) is registered first, so it
// runs after ours (after-hooks run in reverse) and never pulls a folder from under a live child.
import "./temp-project.js";

/** The fixture scripts: small programs that drive the built bus (`dist/`) as apps and agents do. */
export const FIXTURES = join(REPO, "test", "fixtures");

/** A fixture process that is still running, with what it has printed so far. */
export interface RunningFixture {
  readonly child: ChildProcess;
  /** Complete lines printed on stdout so far. */
  lines(): string[];
  /** Sends `go` and closes stdin: fixtures started with `--barrier` wait for it, to start together. */
  go(): void;
  /** Resolves when the process has exited, with all it printed. */
  readonly exit: Promise<Finished>;
}

export interface FixtureOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Octal umask the fixture sets before touching the bus, e.g. "0" (see `_common.mjs`). */
  umask?: string;
  /** Run as this user and group (needs root). */
  uid?: number;
  gid?: number;
}

const running = new Set<RunningFixture>();

// A failed test must not leave a looping writer or a hanging consumer behind.
afterEach(async () => {
  const left = [...running];
  running.clear();
  for (const fixture of left) {
    if (fixture.child.exitCode === null && fixture.child.signalCode === null) fixture.child.kill("SIGKILL");
  }
  await Promise.all(left.map((f) => f.exit.catch(() => undefined)));
});

/** Starts `node test/fixtures/<script> <args>` (or `<script>` itself when absolute) and returns at once. */
export function startFixture(script: string, args: string[], options: FixtureOptions): RunningFixture {
  const child = spawn(process.execPath, [resolve(FIXTURES, script), ...args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      ...(options.umask !== undefined ? { SPARK_TEST_UMASK: options.umask } : {}),
    },
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  const output = collectOutput(child);
  // A fixture killed before it read its stdin must not crash the test with EPIPE.
  child.stdin.on("error", () => {});
  const exit = finished(child, output);
  const fixture: RunningFixture = {
    child,
    lines: output.lines,
    go: () => {
      child.stdin.end("go\n");
    },
    exit,
  };
  running.add(fixture);
  void exit.finally(() => running.delete(fixture));
  return fixture;
}

/** Runs a fixture to the end; fails with its stderr when it does not exit with code 0. */
export async function runFixture(
  script: string,
  args: string[],
  options: FixtureOptions & { input?: string },
): Promise<Finished> {
  const fixture = startFixture(script, args, options);
  fixture.child.stdin?.end(options.input ?? "");
  const result = await fixture.exit;
  if (result.code !== 0) {
    throw new Error(`${script} ${args.join(" ")} exited with ${result.code ?? result.signal}:\n${result.stderr}`);
  }
  return result;
}

/** Kills a running fixture with SIGKILL and waits until it is gone. */
export async function killFixture(fixture: RunningFixture): Promise<Finished> {
  fixture.child.kill("SIGKILL");
  return fixture.exit;
}

/** The pid of a process that has just exited (and been reaped): nothing runs under it now. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (pid === undefined) throw new Error("could not start a process");
  return pid;
}

/** Lines of `output` that start with `prefix `, without the prefix. */
export function tagged(lines: readonly string[], prefix: string): string[] {
  return lines.filter((l) => l.startsWith(`${prefix} `)).map((l) => l.slice(prefix.length + 1));
}
