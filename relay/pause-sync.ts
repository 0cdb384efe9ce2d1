/**
 * The fleet's pause: one key per project in the hub's pause bucket, watched (never polled), and
 * `.spark/pause` on each machine. Local changes (`manifest spark pause`, the dashboard, a
 * resume) are pushed with compare-and-set at the revision last seen; the hub's changes are
 * written here. `decidePause` (pause-rules.ts) is the whole policy; this file only does the I/O.
 */
import type { KV, KvEntry } from "@nats-io/kv";
import type { BusPaths } from "../bus/paths.js";
import { clearPause, type PauseInfo, readPause } from "../bus/pause.js";
import { ensurePrivateDir, writeFileAtomic } from "../bus/secure-fs.js";
import { decidePause, encodePause, localSide, type PauseSide, remoteSide } from "./pause-rules.js";
import type { Report } from "./records.js";

export interface PauseSyncOptions {
  paths: BusPaths;
  project: string;
  machine: string;
  report: Report;
}

export interface PauseSync {
  /** Reads the hub's value, then follows it until the next `follow` or `stop`. */
  follow(kv: KV): Promise<void>;
  /** Something changed here (a watcher hint): merge now. */
  poke(): void;
  stop(): void;
}

export function pauseSync(options: PauseSyncOptions): PauseSync {
  const { paths, project, machine, report } = options;
  let kv: KV | undefined;
  let remote: { side: PauseSide; revision: number } | undefined;
  let agreed: string | undefined;
  let watcher: { stop(): void } | undefined;
  let running = false;
  let again = false;

  const fromEntry = (entry: KvEntry | null) => ({
    side: remoteSide(entry && entry.operation === "PUT" ? entry.value : undefined),
    revision: entry?.revision ?? 0,
  });

  const writeLocal = (pause: PauseInfo | undefined) => {
    if (pause) {
      ensurePrivateDir(paths.spark);
      writeFileAtomic(paths.pause, `${JSON.stringify(pause, null, 2)}\n`);
    } else clearPause(paths);
  };

  /** Sets the hub's value at the revision last seen; false when someone changed it meanwhile. */
  const push = async (store: KV, pause: PauseInfo | undefined, revision: number): Promise<boolean> => {
    try {
      if (!pause) {
        await store.delete(project, { previousSeq: revision });
        remote = fromEntry(await store.get(project));
      } else {
        const bytes = encodePause(pause, machine);
        const rev =
          remote?.side.kind === "paused"
            ? await store.update(project, bytes, revision)
            : await store.create(project, bytes);
        remote = { side: { kind: "paused", pause }, revision: rev };
      }
      return true;
    } catch (error) {
      if (/wrong last sequence|key exists/i.test((error as Error).message)) return false;
      throw error;
    }
  };

  const merge = async () => {
    for (let attempt = 0; attempt < 3 && kv && remote; attempt++) {
      const store = kv;
      const action = decidePause(localSide(readPause(paths, Number.POSITIVE_INFINITY)), remote.side, agreed);
      if (action.kind === "none") {
        if (action.agreed !== undefined) agreed = action.agreed;
        return;
      }
      if (action.kind === "apply") {
        writeLocal(action.pause);
        agreed = action.agreed;
        report({
          type: "pause",
          action: "applied",
          paused: action.pause !== undefined,
          ...(action.pause ? { by: action.pause.by } : {}),
        });
        return;
      }
      if (await push(store, action.pause, remote.revision)) {
        agreed = action.agreed;
        report({
          type: "pause",
          action: "pushed",
          paused: action.pause !== undefined,
          ...(action.pause ? { by: action.pause.by } : {}),
        });
        return;
      }
      // Someone else changed it first: read what they set and merge again.
      remote = fromEntry(await store.get(project));
    }
  };

  const poke = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void merge()
      .catch((error: unknown) => report({ type: "error", message: `pause: ${(error as Error).message}` }))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          poke();
        }
      });
  };

  return {
    async follow(store) {
      watcher?.stop();
      kv = store;
      try {
        remote = fromEntry(await store.get(project));
        poke();
        const iter = await store.watch({ key: project });
        watcher = iter;
        for await (const entry of iter) {
          // A value this machine pushed comes back here too; the merge finds both sides equal.
          if (entry.revision < (remote?.revision ?? 0)) continue;
          remote = fromEntry(entry);
          poke();
        }
      } catch (error) {
        report({ type: "error", message: `pause watch: ${(error as Error).message}` });
      }
    },
    poke,
    stop() {
      watcher?.stop();
      kv = undefined;
    },
  };
}
