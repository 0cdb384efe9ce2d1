/**
 * "Machines" for the relay tests: each is a temp project with its own `.spark/` and a
 * `manifest relay --json` process (the built CLI, as a user runs it), all on one hub. A sidecar
 * machine either runs the real headless sidecar (the fix test) or `consumeAsSidecar`: the bus's
 * own consumer under a live sidecar presence, which records every batch it is given.
 */
import { hostname } from "node:os";
import { afterEach } from "vitest";
import type { Batch } from "../../bus/consumer.js";
import { startConsumer } from "../../bus/consumer.js";
import { evaluateHold } from "../../bus/effective-pause.js";
import { emitEvent } from "../../bus/emit.js";
import type { BusPaths } from "../../bus/paths.js";
import { readPause } from "../../bus/pause.js";
import { newPresence, removePresence, writePresence } from "../../bus/presence.js";
import type { RelayRecord } from "../../relay/records.js";
import { type RunningManifest, startManifest } from "./manifest-process.js";
import { waitFor } from "./processes.js";
import { tempProject } from "./temp-project.js";

export interface Machine {
  name: string;
  root: string;
  paths: BusPaths;
}

/** A project folder that is machine `name` of project `project` on the hub at `url`. */
export function machine(name: string, url: string, hub: Record<string, unknown> = {}, extra = ""): Machine {
  const config = { url, machine: name, project: "shop", ...hub };
  const { root, paths } = tempProject({
    "package.json": '{ "name": "shop", "private": true }\n',
    "config/spark.ts": `export default { hub: ${JSON.stringify(config)}, debounce: { windowMs: 0 }${extra} };\n`,
  });
  return { name, root, paths };
}

export interface RelayProcess {
  run: RunningManifest;
  records(): RelayRecord[];
  /** Resolves with the first record (from now on, or already printed) that matches. */
  waitFor<T extends RelayRecord>(match: (r: RelayRecord) => r is T, what: string, timeoutMs?: number): Promise<T>;
  waitFor(match: (r: RelayRecord) => boolean, what: string, timeoutMs?: number): Promise<RelayRecord>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `manifest relay --json` on a machine (killed after the test if still running). */
export function startRelayProcess(m: Machine, env: NodeJS.ProcessEnv = {}): RelayProcess {
  const run = startManifest(["relay", "--json"], m.root, env);
  const records = () =>
    run
      .lines()
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as RelayRecord);
  return {
    run,
    records,
    waitFor: ((match: (r: RelayRecord) => boolean, what: string, timeoutMs = 30_000) =>
      waitFor(
        () => records().find(match),
        `${m.name}'s relay: ${what}\n${run.stderr()}`,
        timeoutMs,
      )) as RelayProcess["waitFor"],
    async kill9() {
      run.child.kill("SIGKILL");
      await run.exit;
    },
    async stop() {
      if (run.child.exitCode === null) run.child.kill("SIGTERM");
      await run.exit;
    },
  };
}

const sidecars = new Set<FakeSidecar>();
afterEach(async () => {
  const left = [...sidecars];
  sidecars.clear();
  await Promise.all(left.map((s) => s.stop()));
});

/** Writes `count` server errors on a machine (the app's emitter, in this process); returns their file names. */
export function emitErrors(m: Machine, count: number, label = m.name): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const error = new Error(`${label} failure ${i}`);
    const event = emitEvent(
      m.paths,
      {
        type: "server-error",
        route: "POST /orders",
        status: 500,
        error,
        request: { input: { token: "sk-live-123456789012345678901234" } },
      },
      { environment: "test", host: hostname(), pid: process.pid, app: m.name, redactKeys: [] },
    );
    names.push(`${event.id}.json`);
  }
  return names;
}

export interface FakeSidecar {
  /** Every event name handed to `deliver`, in order (a name twice is a double delivery). */
  delivered: string[];
  stop(): Promise<void>;
}

/**
 * The bus's consumer under a live sidecar presence of this test process: what the relay sees
 * as "a sidecar runs here", and a record of what a sidecar would have been given.
 */
export function consumeAsSidecar(m: Machine): FakeSidecar {
  const presence = newPresence({ id: `sidecar-test-${m.name}`, role: "sidecar", cwd: m.root });
  writePresence(m.paths, { ...presence, host: hostname() });
  const beat = setInterval(() => writePresence(m.paths, { ...presence, heartbeatAt: new Date().toISOString() }), 1000);
  const delivered: string[] = [];
  const consumer = startConsumer({
    paths: m.paths,
    consumerId: presence.id,
    debounceMs: 0,
    backstopMs: 500,
    maxEvents: 1000,
    // As the sidecar does: a manual pause holds (a mirrored one too).
    hold: () => evaluateHold(readPause(m.paths, 30 * 60_000), []),
    deliver: (batch: Batch) => {
      delivered.push(...batch.claimed.map((c) => c.name));
      return "ack";
    },
  });
  const sidecar: FakeSidecar = {
    delivered,
    async stop() {
      sidecars.delete(sidecar);
      clearInterval(beat);
      await consumer.stop();
      removePresence(m.paths, presence.id);
    },
  };
  sidecars.add(sidecar);
  return sidecar;
}

/** Names that appear more than once. */
export function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}
