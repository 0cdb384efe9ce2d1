import { type BusEntry, type EventState, typeFromName } from "../bus/browse.js";
import type { BusChange } from "../bus/bus-diff.js";
import type { SparkEvent } from "../bus/event-schema.js";
import type { BusScan } from "../bus/observe.js";
import type { ReadEventResult } from "../bus/read-event.js";

/** One NDJSON record of `manifest spark tail --json` (see `tailRecordSchema`). */
export type TailRecord =
  | { kind: "event"; state: EventState; event: SparkEvent }
  | {
      kind: "moved";
      id: string;
      name: string;
      type: string | null;
      from: EventState;
      to: EventState;
      consumer: string | null;
    }
  | { kind: "rejected"; id: string; name: string; type: string | null; reason: string; from: EventState | null }
  /** A file outside `rejected/` that does not read as an event (a consumer will reject it). */
  | { kind: "invalid"; id: string; name: string; state: EventState; reason: string };

/** The I/O the tail needs, passed in so the logic is tested without a bus. */
export interface TailSource {
  read(entry: BusEntry): ReadEventResult;
  /** The reason note of a rejected file; undefined while it is not written yet. */
  reason(entry: BusEntry): string | undefined;
  /** When the entry was written (ms), for picking the newest existing events. */
  time(entry: BusEntry): number | undefined;
}

export interface TailOptions {
  /** How many existing events to show first (like `tail -n`). */
  lines: number;
  /** Only events of this type. */
  type?: string | undefined;
  source: TailSource;
  /** Passes to wait for a rejected file's reason note before showing it without one (default 2). */
  reasonPatience?: number;
}

/** Turns bus scans into records. */
export interface Tail {
  scan(scan: BusScan): TailRecord[];
  /** How many names it remembers (bounded by what is on disk). */
  tracked(): number;
}

const NO_REASON = "no reason note beside the file";

/**
 * The logic of `manifest spark tail`: which changes are worth a line. New pending events,
 * requeued or released ones, and rejections always are; other moves only for events already
 * shown (so `-n 0` stays quiet about the backlog). It remembers only names: the events it
 * showed, files it could not read yet (they moved mid-read: shown where they land), and
 * rejections whose reason note is not written yet. Names are forgotten once gone from disk.
 */
export function createTail(options: TailOptions): Tail {
  const { source } = options;
  const patience = options.reasonPatience ?? 2;
  const shown = new Set<string>();
  const unread = new Set<string>();
  const awaiting = new Map<string, { entry: BusEntry; from: EventState | null; passes: number }>();

  const mayMatch = (entry: BusEntry) => {
    if (options.type === undefined || shown.has(entry.name)) return true;
    const type = typeFromName(entry);
    // Foreign names carry no type: read them to know.
    return type === undefined || type === options.type;
  };

  const rejection = (entry: BusEntry, from: EventState | null, reason: string): TailRecord => {
    shown.add(entry.name);
    return { kind: "rejected", id: entry.id, name: entry.name, type: typeFromName(entry) ?? null, reason, from };
  };

  const rejected = (entry: BusEntry, from: EventState | null, out: TailRecord[], patient: boolean) => {
    if (options.type !== undefined && !shown.has(entry.name) && typeFromName(entry) !== options.type) return;
    const reason = source.reason(entry);
    if (reason !== undefined || !patient) out.push(rejection(entry, from, reason ?? NO_REASON));
    else awaiting.set(entry.name, { entry, from, passes: 0 });
  };

  /** Reads and shows an event where it is now; false when it was filtered out or is gone. */
  const show = (entry: BusEntry, out: TailRecord[]): boolean => {
    if (!mayMatch(entry)) return false;
    const read = source.read(entry);
    if (read.ok) {
      if (options.type !== undefined && read.event.type !== options.type) return false;
      shown.add(entry.name);
      out.push({ kind: "event", state: entry.state, event: read.event });
      return true;
    }
    if (read.missing) {
      unread.add(entry.name);
      return false;
    }
    if (options.type !== undefined) return false;
    shown.add(entry.name);
    out.push({ kind: "invalid", id: entry.id, name: entry.name, state: entry.state, reason: read.reason });
    return true;
  };

  const change = (c: BusChange, out: TailRecord[]) => {
    if (c.kind === "gone") {
      shown.delete(c.name);
      unread.delete(c.name);
      awaiting.delete(c.name);
      return;
    }
    const { entry } = c;
    awaiting.delete(entry.name);
    const from = c.kind === "moved" ? c.from : null;
    if (entry.state === "rejected") return rejected(entry, from, out, true);
    const wasUnread = unread.delete(entry.name);
    if (c.kind === "appeared" || wasUnread || (entry.state === "pending" && !shown.has(entry.name))) {
      show(entry, out);
      return;
    }
    if (!shown.has(entry.name)) return;
    out.push({
      kind: "moved",
      id: entry.id,
      name: entry.name,
      type: typeFromName(entry) ?? null,
      from: c.from,
      to: entry.state,
      consumer: entry.consumer ?? null,
    });
  };

  const backlog = (changes: readonly BusChange[]): TailRecord[] => {
    const entries = changes.flatMap((c) => (c.kind === "appeared" ? [c.entry] : []));
    const ordered = entries
      .map((entry) => ({ entry, time: source.time(entry) ?? 0 }))
      .sort((a, b) => a.time - b.time || (a.entry.name < b.entry.name ? -1 : 1));
    const picked: TailRecord[][] = [];
    for (let i = ordered.length - 1; i >= 0 && picked.length < options.lines; i--) {
      const entry = (ordered[i] as { entry: BusEntry }).entry;
      const out: TailRecord[] = [];
      if (entry.state === "rejected") rejected(entry, null, out, false);
      else show(entry, out);
      if (out.length > 0) picked.push(out);
    }
    return picked.reverse().flat();
  };

  return {
    scan(scan) {
      if (scan.initial) return backlog(scan.changes);
      const out: TailRecord[] = [];
      for (const c of scan.changes) change(c, out);
      for (const [name, wait] of awaiting) {
        const reason = source.reason(wait.entry);
        if (reason === undefined && ++wait.passes < patience) continue;
        awaiting.delete(name);
        out.push(rejection(wait.entry, wait.from, reason ?? NO_REASON));
      }
      return out;
    },
    tracked: () => shown.size + unread.size + awaiting.size,
  };
}
