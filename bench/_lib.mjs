// Shared helpers for the bench modules: temp dirs, timing, statistics, child processes.
// Plain ESM JavaScript on purpose: the benchmarks measure the built code in dist/, what ships.
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder that holds bench/ and dist/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const tempDirs = new Set();

/** A fresh folder under the OS temp dir, removed by `cleanupTempDirs` (and at exit). */
export function makeTempDir(label = "bench") {
  const dir = mkdtempSync(join(tmpdir(), `spark-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

/** Removes every folder `makeTempDir` made. Safe to call twice. */
export function cleanupTempDirs() {
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort: a leftover temp dir must not turn a benchmark into a failure.
    }
    tempDirs.delete(dir);
  }
}
process.on("exit", cleanupTempDirs);

/**
 * A temp project: `<dir>/package.json` and the bus folders of `.spark/`, laid out as
 * bus-protocol.md says (events/.tmp, claimed, delivered, …).
 */
export function makeTempProject(label, { withBusDirs = true } = {}) {
  const root = makeTempDir(label);
  mkdirSync(root, { recursive: true });
  if (withBusDirs) {
    for (const sub of [".tmp", "claimed", "delivered", "rejected", "expired"]) {
      mkdirSync(join(root, ".spark", "events", sub), { recursive: true, mode: 0o700 });
    }
  }
  return {
    root,
    events: join(root, ".spark", "events"),
    tmp: join(root, ".spark", "events", ".tmp"),
    delivered: join(root, ".spark", "events", "delivered"),
  };
}

/** Moves a folder's plain files into `to` (keeps sub-folders). Not timed by callers. */
export function moveFiles(dir, to) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) renameSync(join(dir, entry.name), join(to, entry.name));
  }
}

/** High-resolution clock in milliseconds (float). */
export const now = () => performance.now();

/**
 * The machine's monotonic clock in milliseconds (float). Unlike `now`, it is the same clock in
 * every process here: a stamp taken in one process compares with a stamp taken in another.
 */
export const monoMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Nearest-rank percentile of an array of numbers (p in 0..100). Does not mutate. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Median (p50). */
export const median = (values) => percentile(values, 50);

/** Runs a full GC when node was started with --expose-gc (the runner does that). */
export function gc() {
  if (typeof globalThis.gc === "function") {
    globalThis.gc();
    globalThis.gc();
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `predicate()` is true (checked every `everyMs`), rejects after `timeoutMs`. */
export async function waitFor(predicate, { timeoutMs = 10_000, everyMs = 5, what = "condition" } = {}) {
  const deadline = now() + timeoutMs;
  while (!predicate()) {
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * A result row. `floor` is the same work done the bare way in the same run; `ratio` is
 * value / floor. `target` is `{ of: "value" | "ratio", max }` when the figure has one.
 */
export function result(name, value, unit, floor, extra = {}) {
  const ratio = floor === null || floor === undefined || floor === 0 ? null : value / floor;
  return {
    name,
    value: round(value),
    unit,
    floor: floor === null ? null : round(floor),
    ratio: round(ratio),
    ...extra,
  };
}

function round(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return n ?? null;
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 4;
  return Number(n.toFixed(digits));
}

/** Bytes → MiB. */
export const mib = (bytes) => bytes / (1024 * 1024);

/**
 * Forks a node child with an IPC channel; its stdout goes to our stderr so `--json`
 * stays clean. Returns the child and a promise of its exit.
 */
export function forkChild(modulePath, args = [], options = {}) {
  const child = fork(modulePath, args, {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
    ...options,
  });
  child.stdout?.pipe(process.stderr);
  const exited = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, exited };
}

/** The next IPC message from `child` that satisfies `match`. */
export function nextMessage(child, match = () => true, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid} sent no matching message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message) => {
      if (!match(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (code ${code}) before sending the expected message`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("close", onExit);
    };
    child.on("message", onMessage);
    // 'close', not 'exit': 'exit' can come before the last IPC messages have been read.
    child.once("close", onExit);
  });
}
