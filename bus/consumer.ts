import type { HoldState } from "./effective-pause.js";
import { type EventGroup, groupEvents } from "./group.js";
import { type BusPaths, claimDir } from "./paths.js";
import { ackClaimed, type ClaimedEvent, claimBatch, listPending, type RejectedFile, releaseClaimed } from "./queue.js";
import { ensurePrivateDir } from "./secure-fs.js";
import { type FolderWatcher, type HintSource, watchFolders } from "./watcher.js";

/** One batch handed to the consumer's `deliver`. */
export interface Batch {
  claimed: ClaimedEvent[];
  groups: EventGroup[];
  /** Set when these events waited behind a pause: since when (ISO) and why. */
  held: { since: string; cause: string } | undefined;
}

/** What `deliver` decided: acknowledge the batch, or put it back for later. */
export type DeliveryOutcome = "ack" | "release";

export interface ConsumerOptions {
  paths: BusPaths;
  /** The consumer's presence id; its claims live in `claimed/<consumerId>/`. */
  consumerId: string;
  /** Wait this long after the first new event before claiming (default 1000 ms). */
  debounceMs?: number;
  /** Rescan at least this often (default 2000 ms). */
  backstopMs?: number;
  /** Largest batch (default 100). */
  maxEvents?: number;
  /** Whether events must stay pending right now (manual pause, humans working). */
  hold: () => HoldState;
  /**
   * Whether the consumer can take a batch now (default: always). Not ready is not a pause:
   * events wait without a held-since note, and the caller pokes once it is ready again.
   */
  ready?: () => boolean;
  /** Describes a hold for the held-since note. */
  describeHold?: (hold: HoldState) => string;
  /** Hands a batch to Pi. Resolve "ack" once Pi has the message, "release" to retry later. */
  deliver: (batch: Batch) => Promise<DeliveryOutcome> | DeliveryOutcome;
  /** Told when events are pending but held, with the names of the pending files. */
  onHeld?: (pending: readonly string[], hold: HoldState) => void;
  /** Told once when a hold is over (released, or nothing left waiting). */
  onUnheld?: () => void;
  /** Told about files moved to `rejected/`. */
  onRejected?: (files: RejectedFile[]) => void;
  /** Told about failures (a throw in deliver, a watcher error); the consumer carries on. */
  onError?: (error: unknown) => void;
  /** Called on every backstop tick, for periodic housekeeping. */
  onTick?: () => void;
  /** Keep the process alive while consuming (default false). */
  persistent?: boolean;
}

/** A running consumer. */
export interface Consumer {
  /** Rescan now (for example after `resume` or a presence change). */
  poke(): void;
  /** Stops watching; releases nothing (claims are acked or released per batch). */
  stop(): Promise<void>;
}

/**
 * Watches `events/` and delivers batches: after the first pending event is seen it waits the
 * debounce window (a storm does not reset it), claims up to `maxEvents`, groups them, calls
 * `deliver`, then acks or releases. While `hold()` says so, events stay pending on disk and
 * the next batch carries a held-since note.
 */
export function startConsumer(options: ConsumerOptions): Consumer {
  const { paths, consumerId } = options;
  const debounceMs = options.debounceMs ?? 1000;
  ensurePrivateDir(claimDir(paths, consumerId));
  let heldSince: { since: string; cause: string } | undefined;
  let held = false;
  const unheld = () => {
    if (!held) return;
    held = false;
    options.onUnheld?.();
  };
  let flushDue: { cancel(): void } | undefined;
  let delivering = false;
  let rescanAfterDelivery = false;
  let stopped = false;

  const report = (error: unknown) => options.onError?.(error);
  /** Cancels the flush that is due, if any. */
  const cancelFlush = () => {
    flushDue?.cancel();
    flushDue = undefined;
  };

  const scan = () => {
    if (stopped) return;
    if (delivering) {
      rescanAfterDelivery = true;
      return;
    }
    // A flush is already due: it lists the folder itself. Without this early return a storm
    // of N files would cost N directory listings (O(N²)).
    if (flushDue) return;
    let pending: string[];
    try {
      pending = listPending(paths);
    } catch (error) {
      report(error);
      return;
    }
    if (pending.length === 0) {
      heldSince = undefined;
      unheld();
      return;
    }
    const hold = options.hold();
    if (!hold.held) unheld();
    if (hold.held) {
      held = true;
      // A manual pause says since when; other holds start when this consumer first sees them.
      heldSince ??= {
        since: hold.cause === "manual" ? hold.since : new Date().toISOString(),
        cause: options.describeHold?.(hold) ?? hold.cause,
      };
      cancelFlush();
      options.onHeld?.(pending, hold);
      return;
    }
    if (options.ready && !options.ready()) return;
    flushDue = scheduleFlush();
  };

  const scheduleFlush = (): { cancel(): void } => {
    const flushNow = () => {
      flushDue = undefined;
      void flush();
    };
    if (debounceMs <= 0) {
      // No window to wait: flush in this turn's check phase. setTimeout(0) would cost Node's
      // 1 ms minimum delay on every delivery, most of what a quick consumer takes.
      // Not unref'd, even when not persistent: Node runs an unref'd immediate only once the
      // poll phase returns, which in a quiet process is the next timer, up to a second away.
      // The cost is one more turn of the loop for a process about to exit.
      const immediate = setImmediate(flushNow);
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(flushNow, debounceMs);
    if (!options.persistent) timer.unref();
    return { cancel: () => clearTimeout(timer) };
  };

  const flush = async () => {
    if (stopped || delivering) return;
    // The pause may have started during the debounce window.
    if (options.hold().held) return scan();
    if (options.ready && !options.ready()) return;
    delivering = true;
    let claimed: ClaimedEvent[] = [];
    let outcome: DeliveryOutcome = "release";
    try {
      const result = claimBatch(paths, consumerId, { maxEvents: options.maxEvents ?? 100 });
      claimed = result.claimed;
      if (result.rejected.length > 0) options.onRejected?.(result.rejected);
      if (claimed.length > 0) {
        const batch: Batch = { claimed, groups: groupEvents(claimed.map((c) => c.event)), held: heldSince };
        outcome = await options.deliver(batch);
        const names = claimed.map((c) => c.name);
        if (outcome === "ack") {
          ackClaimed(paths, consumerId, names);
          heldSince = undefined;
        } else {
          releaseClaimed(paths, consumerId, names);
        }
      }
    } catch (error) {
      // Everything this consumer holds belongs to this batch (one at a time): put it all back,
      // also what a claim pass that failed half-way took before its list could be returned.
      try {
        releaseClaimed(paths, consumerId);
      } catch (releaseError) {
        report(releaseError);
      }
      report(error);
    } finally {
      delivering = false;
    }
    // After a release, wait for the next hint or backstop tick rather than spinning on a
    // consumer that said no. A full batch means a backlog: take the next one at once (its
    // events already waited). New arrivals during the delivery get their debounce window.
    const full = claimed.length >= (options.maxEvents ?? 100);
    const arrived = rescanAfterDelivery;
    rescanAfterDelivery = false;
    if (outcome !== "ack") return;
    if (full) setImmediate(() => void flush());
    else if (arrived) scan();
  };

  // watchFolders already turns a burst of hints into one per turn of the event loop.
  const onHint = (source: HintSource) => {
    if (source === "backstop") options.onTick?.();
    scan();
  };
  const watcher: FolderWatcher = watchFolders([paths.events], onHint, {
    backstopMs: options.backstopMs ?? 2000,
    persistent: options.persistent ?? false,
    onError: report,
  });
  queueMicrotask(scan);

  return {
    poke: scan,
    async stop() {
      stopped = true;
      cancelFlush();
      await watcher.close();
    },
  };
}
