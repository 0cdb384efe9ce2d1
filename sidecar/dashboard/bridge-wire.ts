import type { BusEntry, EventState } from "../../bus/browse.js";
import type { BusChange } from "../../bus/bus-diff.js";
import type { SparkEvent } from "../../bus/event-schema.js";
import type { EventDetail } from "../../bus/format/detail.js";
import type { BusChangeWire } from "../bridge/bus-wire.js";
import type { EventListing } from "../bridge/spark-events.js";
import type { ReadOutcome } from "./events-board.js";

/**
 * The bridge's answers turned back into what the terminal dashboard keeps of a local bus, so
 * `manifest attach` feeds the same board: a listing or a `bus` event becomes a `BusChange`,
 * and what the bridge read of a file becomes the board's `ReadOutcome`. An entry's `path` is
 * its name: the file is on the other machine. Pure.
 */

const STATES: readonly EventState[] = ["pending", "claimed", "delivered", "rejected", "expired"];
const state = (s: string | undefined): EventState => (STATES.includes(s as EventState) ? (s as EventState) : "pending");

/** A remote entry: where the bridge says it is. */
export function remoteEntry(name: string, id: string, where: string | undefined, consumer?: string | null): BusEntry {
  return { name, id, state: state(where), path: name, ...(consumer ? { consumer } : {}) };
}

/** A `bus` event of the stream as the change a local scan would have seen. */
export function changeOfWire(wire: BusChangeWire): BusChange {
  if (wire.kind === "gone") return { kind: "gone", name: wire.name, from: state(wire.from) };
  const entry = remoteEntry(wire.name, wire.id, wire.state, wire.consumer);
  return wire.kind === "moved" ? { kind: "moved", entry, from: state(wire.from) } : { kind: "appeared", entry };
}

/** What a listing says of the file's content, as the board's read of it. */
export function outcomeOfListing(listing: EventListing): ReadOutcome {
  if (!listing.valid || listing.fingerprint === null) {
    return { kind: "invalid", reason: listing.problem ?? "not a valid event" };
  }
  const at = Date.parse(listing.timestamp ?? "");
  return {
    kind: "event",
    summary: {
      fingerprint: listing.fingerprint,
      type: listing.type ?? "event",
      at: Number.isNaN(at) ? 0 : at,
      // The row shows an age instead of the clock time the line starts with (as readSummary does).
      line: (listing.line ?? "").replace(/^\d\d:\d\d:\d\d /, ""),
    },
  };
}

/** One event read whole by the bridge (`GET /starter/spark/events/:id`) as the detail popup shows it. */
export function detailOfListing(entry: BusEntry, listing: EventListing & { raw?: string }): EventDetail {
  return {
    entry,
    event: (listing.event ?? undefined) as SparkEvent | undefined,
    problem: listing.problem ?? undefined,
    reason: listing.reason ?? undefined,
    raw: listing.raw,
  };
}

/**
 * The changes that take a board from what it knows (`known`, by name) to a fresh listing:
 * after a reset the board is brought to the new truth the way a rescan would. Updates `known`.
 */
export function diffListing(known: Map<string, BusEntry>, listing: readonly EventListing[]): BusChange[] {
  const changes: BusChange[] = [];
  const seen = new Set<string>();
  for (const l of listing) {
    seen.add(l.name);
    const entry = remoteEntry(l.name, l.id, l.state, l.consumer);
    const before = known.get(l.name);
    if (!before) changes.push({ kind: "appeared", entry });
    else if (before.state !== entry.state || before.consumer !== entry.consumer)
      changes.push({ kind: "moved", entry, from: before.state });
    known.set(l.name, entry);
  }
  for (const [name, entry] of known) {
    if (seen.has(name)) continue;
    changes.push({ kind: "gone", name, from: entry.state });
    known.delete(name);
  }
  return changes;
}

/** Keeps `known` in step with one change. */
export function trackChange(known: Map<string, BusEntry>, change: BusChange): void {
  if (change.kind === "gone") known.delete(change.name);
  else known.set(change.entry.name, change.entry);
}
