import type { BusEntry } from "../../bus/browse.js";
import { parseEventId } from "../../bus/event-name.js";
import { formatEventLine } from "../../bus/format/status-line.js";
import { fingerprintOf } from "../../bus/group.js";
import { observeBus } from "../../bus/observe.js";
import type { BusPaths } from "../../bus/paths.js";
import { readEventFile } from "../../bus/read-event.js";
import type { EventBoard, ReadOutcome } from "./events-board.js";

export interface EventsFeedOptions {
  /**
   * At most one scan per this many ms while files move (default 250: quick for a person; a
   * scan lists every bus folder, tens of ms at 10,000 files, and observeBus spaces scans out
   * further when they get slow).
   */
  coalesceMs?: number;
  /** Rescan at least this often, in case the watcher missed something (default 5000). */
  backstopMs?: number;
  /** Event files read per slice (default 100: at most 1,000 reads a second, a few % of a core). */
  readBudget?: number;
  /** Pause between slices while a backlog remains (default 100 ms). */
  readEveryMs?: number;
}

export interface EventsFeed {
  close(): Promise<void>;
}

/** Reads one event file into what the board keeps of it. */
export function readSummary(entry: BusEntry): ReadOutcome {
  const read = readEventFile(entry.path, entry.name);
  if (!read.ok) return read.missing ? { kind: "missing" } : { kind: "invalid", reason: read.reason };
  const e = read.event;
  const at = Date.parse(e.timestamp);
  return {
    kind: "event",
    summary: {
      fingerprint: fingerprintOf(e),
      type: e.type,
      at: Number.isNaN(at) ? (parseEventId(e.id)?.ms ?? 0) : at,
      // The row shows an age instead of the clock time the line starts with.
      line: formatEventLine(e, 400).replace(/^\d\d:\d\d:\d\d /, ""),
    },
  };
}

/**
 * Keeps the board up to date: every scan of the bus (watch hints, coalesced, and a slow
 * backstop) goes into the board, then the files it has not read yet are read a slice at a
 * time, so a storm costs a bounded amount of work per slice and the keys stay answered.
 * `onChange` hears about every change; `onRunEvent` when a process-error event came or moved.
 */
export function startEventsFeed(
  paths: BusPaths,
  board: EventBoard,
  onChange: () => void,
  onRunEvent: () => void,
  onError: (error: unknown) => void,
  options: EventsFeedOptions = {},
): EventsFeed {
  const budget = options.readBudget ?? 100;
  const every = options.readEveryMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const readSlice = () => {
    timer = undefined;
    if (closed) return;
    const entries = board.nextToRead(budget);
    for (const entry of entries) {
      let outcome: ReadOutcome;
      try {
        outcome = readSummary(entry);
      } catch (error) {
        outcome = { kind: "invalid", reason: (error as Error).message };
      }
      board.record(entry, outcome);
    }
    if (entries.length > 0) onChange();
    if (board.unread() > 0) timer = setTimeout(readSlice, every);
  };

  const observer = observeBus(
    paths,
    (scan) => {
      if (scan.changes.length === 0) return;
      board.apply(scan.changes);
      const name = (c: (typeof scan.changes)[number]) => (c.kind === "gone" ? c.name : c.entry.name);
      if (scan.changes.some((c) => name(c).includes("-process-error-"))) onRunEvent();
      onChange();
      // Read at once when idle; during a backlog the slice timer carries on at its pace.
      if (!timer) readSlice();
    },
    { coalesceMs: options.coalesceMs ?? 250, backstopMs: options.backstopMs ?? 5000, onError },
  );

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await observer.close();
    },
  };
}
