/**
 * The browser's events list: one row per event file, newest first, kept up to date from the
 * bridge's listing (`GET /starter/spark/events`) and its `bus` events. Rows are keyed by file
 * name; names start with the writer's clock, so name order is arrival order. Bounded: past
 * `maxRows` the oldest rows go. Pure (no DOM, no I/O), so it is tested alone.
 */

/** The states of an event file (design/bus-protocol.md). */
export const ROW_STATES = ["pending", "claimed", "delivered", "rejected", "expired"] as const;
export type RowState = (typeof ROW_STATES)[number];

export interface EventRow {
  id: string;
  name: string;
  state: RowState;
  type: string;
  /** The one-line form of the event, without its clock time (null until known). */
  line: string | null;
  /** Unix ms from the event's name (0 for a foreign name). */
  at: number;
  consumer: string | null;
  /** Why it was rejected, or why it is not a valid event. */
  problem: string | null;
}

/** One event as the bridge lists it (the fields used here of `EventListing`). */
export interface ListingLike {
  id: string;
  name: string;
  state: string;
  type: string | null;
  line: string | null;
  consumer: string | null;
  reason: string | null;
  problem: string | null;
}

/** One `bus` event of the stream (the fields used here of `BusChangeWire`). */
export interface BusWireLike {
  kind: "appeared" | "moved" | "gone";
  id: string;
  name: string;
  state?: string;
  consumer?: string;
  type: string | null;
  read?: { kind: "event"; summary: { line: string } } | { kind: "invalid"; reason: string } | { kind: "missing" };
}

export interface EventList {
  /** Replaces every row with a listing (the first read, and after a reset). */
  reset(listing: readonly ListingLike[]): void;
  /** Applies one `bus` event; returns whether a row changed. */
  apply(change: BusWireLike): boolean;
  /** Rows, newest first (one array, changed in place: watch `apply`'s answer to redraw). */
  rows(): readonly EventRow[];
  get(name: string): EventRow | undefined;
  /** Rows per state. */
  counts(): Record<RowState, number>;
}

const TIME_PREFIX = /^\d\d:\d\d:\d\d /;
const NAME_MS = /^(\d{13})-/;

const asState = (s: string | undefined): RowState =>
  (ROW_STATES as readonly string[]).includes(s ?? "") ? (s as RowState) : "pending";

/** Creates an empty list holding at most `maxRows` rows. */
export function createEventList(maxRows = 20_000): EventList {
  let rows: EventRow[] = [];
  const byName = new Map<string, EventRow>();

  /** Index where `name` goes in the newest-first order (binary search: names sort by time). */
  const slot = (name: string) => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rows[mid] as EventRow).name > name) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const insert = (row: EventRow) => {
    rows.splice(slot(row.name), 0, row);
    byName.set(row.name, row);
    if (rows.length > maxRows) for (const gone of rows.splice(maxRows)) byName.delete(gone.name);
  };
  const replace = (old: EventRow, row: EventRow) => {
    rows[rows.indexOf(old)] = row;
    byName.set(row.name, row);
  };

  return {
    reset(listing) {
      byName.clear();
      rows = listing
        .map(rowOf)
        .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
        .slice(0, maxRows);
      for (const row of rows) byName.set(row.name, row);
    },
    apply(change) {
      const old = byName.get(change.name);
      if (change.kind === "gone") {
        if (!old) return false;
        rows.splice(rows.indexOf(old), 1);
        byName.delete(change.name);
        return true;
      }
      const read = change.read;
      const row: EventRow = {
        id: change.id,
        name: change.name,
        state: asState(change.state),
        type: change.type ?? old?.type ?? "file",
        line: read?.kind === "event" ? read.summary.line : (old?.line ?? null),
        at: msOf(change.name),
        consumer: change.consumer ?? null,
        problem: read?.kind === "invalid" ? read.reason : (old?.problem ?? null),
      };
      if (old) replace(old, row);
      else insert(row);
      return true;
    },
    rows: () => rows,
    get: (name) => byName.get(name),
    counts() {
      const out = Object.fromEntries(ROW_STATES.map((s) => [s, 0])) as Record<RowState, number>;
      for (const row of rows) out[row.state]++;
      return out;
    },
  };
}

function rowOf(l: ListingLike): EventRow {
  return {
    id: l.id,
    name: l.name,
    state: asState(l.state),
    type: l.type ?? "file",
    line: l.line === null ? null : l.line.replace(TIME_PREFIX, ""),
    at: msOf(l.name),
    consumer: l.consumer,
    problem: l.reason ?? l.problem,
  };
}

function msOf(name: string): number {
  const m = NAME_MS.exec(name);
  return m ? Number(m[1]) : 0;
}
