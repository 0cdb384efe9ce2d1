import { EVENT_STATES, listEntries, stateDir } from "./browse.js";
import { type BusChange, createBusDiff } from "./bus-diff.js";
import type { BusPaths } from "./paths.js";
import { watchFolders } from "./watcher.js";

/** One pass over the bus: what changed since the previous pass. */
export interface BusScan {
  /** True for the first pass, whose changes are everything already on disk ("appeared"). */
  initial: boolean;
  changes: BusChange[];
}

export interface ObserveOptions {
  /** Rescan at least this often (default 2000 ms). */
  backstopMs?: number;
  /**
   * Coalesce hints: at most one pass per this many ms (default 50). A storm is a few passes,
   * not one per file. A pass lists every folder (tens of ms at 10,000 files), so the gap also
   * grows with the last pass's cost: passes never take more than a fifth of the time.
   */
  coalesceMs?: number;
  /** Keep the process alive while observing (default false). */
  persistent?: boolean;
  onError?: (error: unknown) => void;
}

export interface BusObserver {
  /** Stops watching. Safe to call twice; no pass runs after it resolves. */
  close(): Promise<void>;
}

/**
 * Follows the bus without touching it: every folder is watched, any hint (or the backstop)
 * triggers a full listing, and `onScan` gets what changed. It never claims, moves or reads
 * an event file; callers read what they want to show. The first pass runs before this returns.
 */
export function observeBus(
  paths: BusPaths,
  onScan: (scan: BusScan) => void,
  options: ObserveOptions = {},
): BusObserver {
  const diff = createBusDiff();
  const coalesceMs = options.coalesceMs ?? 50;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPassMs = 0;

  // Called even when nothing moved: callers may be waiting on a file beside an event (a reason note).
  const pass = (initial: boolean) => {
    if (closed) return;
    const started = performance.now();
    // The first pass throws to the caller; later ones run on a timer, where a throw would end the process.
    try {
      onScan({ initial, changes: diff.update(listEntries(paths, EVENT_STATES)) });
    } catch (error) {
      if (initial) throw error;
      options.onError?.(error);
    } finally {
      lastPassMs = performance.now() - started;
    }
  };

  pass(true);
  const watcher = watchFolders(
    EVENT_STATES.map((state) => stateDir(paths, state)),
    () => {
      if (closed || timer) return;
      timer = setTimeout(
        () => {
          timer = undefined;
          pass(false);
        },
        Math.max(coalesceMs, lastPassMs * 5),
      );
      if (!options.persistent) timer.unref();
    },
    {
      backstopMs: options.backstopMs ?? 2000,
      persistent: options.persistent ?? false,
      ...(options.onError ? { onError: options.onError } : {}),
    },
  );
  return {
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
