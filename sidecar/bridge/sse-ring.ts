/**
 * The bridge's event history: every event gets an id `<bootTag>-<seq>` (the tag is new each
 * time the bridge starts, the sequence counts from 1), and the last `capacity` events are kept
 * so a client that reconnects with `Last-Event-ID` gets exactly what it missed. What cannot be
 * replayed is said out loud, never skipped in silence: an id from another boot is a `reset`
 * (refetch the state), an id older than the ring is a `gap` (with the range that is lost).
 * Pure: no timers, no I/O.
 */

/** One event as it goes on the wire. */
export interface RingEvent {
  readonly seq: number;
  /** `<bootTag>-<seq>`. */
  readonly id: string;
  /** The SSE `event:` name. */
  readonly event: string;
  /** The SSE `data:` payload (JSON text). */
  readonly data: string;
}

/** What a (re)connecting client gets before the live events. */
export type ResumePlan =
  /** Nothing to replay: no id was given, or the client has seen everything. */
  | { kind: "live" }
  /** The events after the client's id, in order. */
  | { kind: "replay"; events: RingEvent[] }
  /** The id is from another boot (or is not ours): the client must refetch the state. */
  | { kind: "reset"; reason: string }
  /** Events `from`..`to` are gone from the ring; `events` are the ones that remain after them. */
  | { kind: "gap"; from: number; to: number; events: RingEvent[] };

export interface EventRing {
  readonly bootTag: string;
  /** The sequence number of the newest event (0 before the first). */
  lastSeq(): number;
  /** The id of the newest event, or `<bootTag>-0` before the first. */
  lastId(): string;
  /** Appends an event, dropping the oldest beyond capacity. */
  push(event: string, data: string): RingEvent;
  /** What a client that last saw `lastEventId` (undefined: nothing) gets first. */
  resume(lastEventId: string | undefined): ResumePlan;
  /** How many events are kept now. */
  size(): number;
}

/** Splits `<bootTag>-<seq>`; undefined for anything else. */
export function parseRingId(id: string): { bootTag: string; seq: number } | undefined {
  const m = /^([A-Za-z0-9]{1,32})-(\d{1,15})$/.exec(id.trim());
  if (!m) return undefined;
  return { bootTag: m[1] as string, seq: Number(m[2]) };
}

/** A boot tag: short, unique enough across restarts of one bridge, safe in an id. */
export function newBootTag(now = Date.now(), random = Math.random): string {
  const rand = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0");
  return `${now.toString(36)}${rand}`;
}

/** A ring of the last `capacity` events (default 1,000) for the boot `bootTag`. */
export function createEventRing(bootTag: string, capacity = 1000): EventRing {
  if (!/^[A-Za-z0-9]{1,32}$/.test(bootTag)) throw new Error(`boot tag "${bootTag}" must be 1-32 letters or digits`);
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error("the ring needs a capacity of at least 1");
  // A fixed array used circularly: pushing never allocates beyond the event itself.
  const slots: Array<RingEvent | undefined> = new Array(capacity);
  let last = 0;
  const oldestSeq = () => Math.max(1, last - capacity + 1);
  const at = (seq: number) => slots[(seq - 1) % capacity] as RingEvent;
  const range = (from: number): RingEvent[] => {
    const out: RingEvent[] = [];
    for (let seq = from; seq <= last; seq++) out.push(at(seq));
    return out;
  };

  return {
    bootTag,
    lastSeq: () => last,
    lastId: () => `${bootTag}-${last}`,
    size: () => Math.min(last, capacity),
    push(event, data) {
      last++;
      const entry: RingEvent = { seq: last, id: `${bootTag}-${last}`, event, data };
      slots[(last - 1) % capacity] = entry;
      return entry;
    },
    resume(lastEventId) {
      if (lastEventId === undefined || lastEventId.trim() === "") return { kind: "live" };
      const parsed = parseRingId(lastEventId);
      if (!parsed) return { kind: "reset", reason: `"${lastEventId.slice(0, 80)}" is not an event id of this bridge` };
      if (parsed.bootTag !== bootTag) return { kind: "reset", reason: "the bridge restarted since that event" };
      const seen = parsed.seq;
      // An id from the future of this boot was never sent by us: the client's view is not ours.
      if (seen > last) return { kind: "reset", reason: "that event id is newer than any this bridge sent" };
      if (seen === last) return { kind: "live" };
      const oldest = oldestSeq();
      if (seen + 1 >= oldest) return { kind: "replay", events: range(seen + 1) };
      return { kind: "gap", from: seen + 1, to: oldest - 1, events: range(oldest) };
    },
  };
}
