import { type BusEntry, EVENT_STATES, type EventState } from "../../bus/browse.js";
import type { BusChange } from "../../bus/bus-diff.js";
import { parseEventId } from "../../bus/event-name.js";
import { isAgentNotice } from "../../bus/event-schema.js";

/** What the board keeps of one event it read: enough to group it and to draw its row. */
export interface EventSummary {
  fingerprint: string;
  type: string;
  /** Event time (ms). */
  at: number;
  /** The one-line form of the event (`formatEventLine`). */
  line: string;
}

/** What reading an event file gave. */
export type ReadOutcome =
  | { kind: "event"; summary: EventSummary }
  | { kind: "invalid"; reason: string }
  /** Moved or deleted while being read: tried again after the next scan says where it went. */
  | { kind: "missing" };

/** One problem on the board: the events sharing a fingerprint, counted per folder. */
export interface BoardGroup {
  key: string;
  type: string;
  line: string;
  firstAt: number;
  lastAt: number;
  count: number;
  states: Record<EventState, number>;
  /** The newest event of the group, where it is now (to show it whole). */
  example: BusEntry;
}

export interface BoardLimits {
  /** Groups kept; the one seen longest ago goes first. */
  maxGroups: number;
  /** Events waiting to be read; beyond it the oldest are counted but not grouped. */
  maxUnread: number;
  /** Tries to read a file that keeps moving away. */
  maxAttempts: number;
}

export const DEFAULT_BOARD_LIMITS: BoardLimits = { maxGroups: 100, maxUnread: 1000, maxAttempts: 3 };

/**
 * The events pane's model. Counts per folder are exact (kept from the scans' changes, no
 * reads); grouping needs the fingerprint inside each file, so events are read lazily, newest
 * first, a few at a time (`nextToRead` / `record`), with a bounded backlog: under a storm the
 * oldest unread ones are counted but never read. Memory follows the files on disk and the
 * limits, never the number of events seen. No I/O.
 */
export interface EventBoard {
  apply(changes: readonly BusChange[]): void;
  /** Up to `max` entries to read, newest first; each must be answered with `record`. */
  nextToRead(max: number): BusEntry[];
  record(entry: BusEntry, outcome: ReadOutcome): void;
  totals(): Readonly<Record<EventState, number>>;
  /** Of the totals, the agents' join/leave notices: news, not work that waits for an agent. */
  notices(): Readonly<Record<EventState, number>>;
  /** Groups, newest first. */
  groups(): readonly BoardGroup[];
  group(key: string): BoardGroup | undefined;
  /** Events waiting to be read (or to be found again after they moved away). */
  unread(): number;
  /** Events counted but in no group (storm overflow, evicted groups). */
  ungrouped(): number;
}

const zeroStates = (): Record<EventState, number> =>
  Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<EventState, number>;

interface Waiting {
  entry: BusEntry;
  attempts: number;
}

/** Creates an empty board. */
export function createEventBoard(limits: BoardLimits = DEFAULT_BOARD_LIMITS): EventBoard {
  const totals = zeroStates();
  const notices = zeroStates();
  // The type is in the file name: notices are counted without reading a file.
  const isNotice = (name: string) => isAgentNotice(parseEventId(name.replace(/\.json$/, ""))?.type);
  const groups = new Map<string, BoardGroup>();
  const member = new Map<string, string>();
  // The backlog: names in arrival order (may hold stale names) and where each one is now.
  let order: string[] = [];
  const waiting = new Map<string, Waiting>();
  // Handed out by `nextToRead`, not yet answered by `record`.
  const retries = new Map<string, Waiting>();
  // Read too late (the file had moved on): waiting for a scan to say where it is now.
  const lost = new Map<string, Waiting>();
  let sorted: BoardGroup[] | undefined;

  const addToGroup = (key: string, entry: BusEntry, summary: Omit<EventSummary, "fingerprint">) => {
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        type: summary.type,
        line: summary.line,
        firstAt: summary.at,
        lastAt: summary.at,
        count: 0,
        states: zeroStates(),
        example: entry,
      };
      groups.set(key, group);
      if (groups.size > limits.maxGroups) evictOldest();
    }
    group.count++;
    group.states[entry.state]++;
    group.firstAt = Math.min(group.firstAt, summary.at);
    if (summary.at >= group.lastAt) {
      group.lastAt = summary.at;
      group.line = summary.line;
      group.example = entry;
    }
    member.set(entry.name, key);
    sorted = undefined;
  };

  const evictOldest = () => {
    let oldest: BoardGroup | undefined;
    for (const g of groups.values()) if (!oldest || g.lastAt < oldest.lastAt) oldest = g;
    // Its members keep pointing at a key that is gone: they are dropped when next touched.
    if (oldest) groups.delete(oldest.key);
  };

  const enqueue = (entry: BusEntry) => {
    waiting.set(entry.name, { entry, attempts: 0 });
    order.push(entry.name);
  };

  /** Keeps the backlog within its limit: under a storm the newest events are the ones worth grouping. */
  const trimBacklog = () => {
    let i = 0;
    while (waiting.size > limits.maxUnread && i < order.length) waiting.delete(order[i++] as string);
    if (i > 0) order = order.slice(i);
    if (order.length > 2 * waiting.size + 64) order = order.filter((n) => waiting.has(n));
  };

  const appeared = (entry: BusEntry) => {
    totals[entry.state]++;
    if (isNotice(entry.name)) notices[entry.state]++;
    if (entry.state === "rejected") {
      // A rejected file failed to read as an event: grouped by its name, never read here.
      const type = parseEventId(entry.id)?.type ?? "file";
      const at = parseEventId(entry.id)?.ms ?? 0;
      addToGroup(`rejected:${type}`, entry, { type, at, line: `${type} (rejected: not a valid event)` });
      return;
    }
    enqueue(entry);
  };

  const moved = (entry: BusEntry, from: EventState) => {
    totals[from]--;
    totals[entry.state]++;
    if (isNotice(entry.name)) {
      notices[from]--;
      notices[entry.state]++;
    }
    const w = waiting.get(entry.name);
    if (w) w.entry = entry;
    const l = lost.get(entry.name);
    if (l) {
      lost.delete(entry.name);
      l.entry = entry;
      waiting.set(entry.name, l);
      order.push(entry.name);
    }
    const key = member.get(entry.name);
    const group = key === undefined ? undefined : groups.get(key);
    if (key !== undefined && !group) member.delete(entry.name);
    if (!group) return;
    group.states[from]--;
    group.states[entry.state]++;
    if (group.example.name === entry.name) group.example = entry;
  };

  const gone = (name: string, from: EventState) => {
    totals[from]--;
    if (isNotice(name)) notices[from]--;
    waiting.delete(name);
    lost.delete(name);
    const key = member.get(name);
    if (key === undefined) return;
    member.delete(name);
    const group = groups.get(key);
    if (!group) return;
    group.count--;
    group.states[from]--;
    if (group.count <= 0) groups.delete(key);
    sorted = undefined;
  };

  return {
    apply(changes) {
      // A first scan lists folder by folder; arrival order is name order (names start with the time).
      const fresh = changes.flatMap((c) => (c.kind === "appeared" ? [c.entry] : []));
      fresh.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of fresh) appeared(entry);
      for (const c of changes) {
        if (c.kind === "moved") moved(c.entry, c.from);
        else if (c.kind === "gone") gone(c.name, c.from);
      }
      trimBacklog();
    },
    nextToRead(max) {
      const out: BusEntry[] = [];
      while (out.length < max && order.length > 0) {
        const name = order.pop() as string;
        const w = waiting.get(name);
        if (!w) continue;
        waiting.delete(name);
        w.attempts++;
        out.push(w.entry);
        retries.set(name, w);
      }
      return out;
    },
    record(entry, outcome) {
      const w = retries.get(entry.name);
      retries.delete(entry.name);
      if (outcome.kind === "missing") {
        // Read again once a scan says where it went.
        if (w && w.attempts < limits.maxAttempts && !member.has(entry.name)) lost.set(entry.name, w);
        return;
      }
      if (member.has(entry.name)) return;
      const current = w?.entry ?? entry;
      if (outcome.kind === "invalid") {
        const type = parseEventId(entry.id)?.type ?? "file";
        addToGroup(`invalid:${type}`, current, {
          type,
          at: parseEventId(entry.id)?.ms ?? 0,
          line: `${type} (not readable: ${outcome.reason})`,
        });
        return;
      }
      addToGroup(outcome.summary.fingerprint, current, outcome.summary);
    },
    totals: () => totals,
    notices: () => notices,
    groups() {
      sorted ??= [...groups.values()].sort((a, b) => b.lastAt - a.lastAt || (a.key < b.key ? -1 : 1));
      return sorted;
    },
    group: (key) => groups.get(key),
    unread: () => waiting.size + lost.size,
    ungrouped() {
      let grouped = 0;
      for (const g of groups.values()) grouped += g.count;
      let all = 0;
      for (const s of EVENT_STATES) all += totals[s];
      return Math.max(0, all - grouped - waiting.size - lost.size - retries.size);
    },
  };
}
