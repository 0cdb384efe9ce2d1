import {
  type BusEntry,
  EVENT_STATES,
  type EventState,
  entryWrittenAt,
  listEntries,
  typeFromName,
} from "../../bus/browse.js";
import { formatEventLine } from "../../bus/format/status-line.js";
import { fingerprintOf } from "../../bus/group.js";
import type { BusPaths } from "../../bus/paths.js";
import { readEventDetail } from "../../bus/read-detail.js";
import { HttpError } from "./http-json.js";

/** One event file as `GET /starter/spark/events` lists it. */
export interface EventListing {
  id: string;
  name: string;
  state: EventState;
  consumer: string | null;
  type: string | null;
  timestamp: string | null;
  /** The status line the dashboard shows (time, type, where, headline). */
  line: string | null;
  fingerprint: string | null;
  valid: boolean;
  /** Why the file is not a valid event (null when it is). */
  problem: string | null;
  /** Why it was rejected (rejected only). */
  reason: string | null;
  /** The whole event (already redacted when it was written): with `?full=1`, and for one event. */
  event?: unknown;
}

/** `?state=` → states, in folder order; 400 naming `state` for a name that is not one. */
export function statesParam(raw: string | undefined): EventState[] {
  if (raw === undefined || raw.trim() === "" || raw === "all") return [...EVENT_STATES];
  const parts = raw.split(",").map((p) => p.trim());
  const bad = parts.filter((p) => !(EVENT_STATES as readonly string[]).includes(p));
  if (bad.length > 0) {
    throw new HttpError(400, `\`state\` takes ${EVENT_STATES.join(", ")}, a comma list of them, or all`, "state");
  }
  return EVENT_STATES.filter((s) => parts.includes(s));
}

/** The newest `limit` events in `states`, and how many there are in all. Only those shown are read. */
export function listEvents(
  paths: BusPaths,
  states: readonly EventState[],
  limit: number,
  full: boolean,
): { total: number; events: EventListing[] } {
  // A file that moved during the listing shows up twice: the later sighting is current.
  const entries = [...new Map(listEntries(paths, states).map((e) => [e.name, e])).values()]
    .map((entry) => ({ entry, time: entryWrittenAt(entry) ?? 0 }))
    .sort((a, b) => b.time - a.time || (a.entry.name < b.entry.name ? 1 : -1));
  const events: EventListing[] = [];
  for (const { entry } of entries) {
    if (events.length >= limit) break;
    const row = eventListing(paths, entry, full);
    if (row) events.push(row);
  }
  return { total: entries.length, events };
}

/** One entry read whole; undefined when it moved away meanwhile. */
export function eventListing(paths: BusPaths, entry: BusEntry, full: boolean): EventListing | undefined {
  const detail = readEventDetail(paths, entry);
  if (!detail) return undefined;
  const event = detail.event;
  return {
    id: entry.id,
    name: entry.name,
    state: entry.state,
    consumer: entry.consumer ?? null,
    type: event?.type ?? typeFromName(entry) ?? null,
    timestamp: event?.timestamp ?? null,
    line: event ? formatEventLine(event, 400) : null,
    fingerprint: event ? fingerprintOf(event) : null,
    valid: event !== undefined,
    problem: detail.problem ?? null,
    reason: detail.reason ?? null,
    ...(full ? { event: event ?? null, ...(detail.raw !== undefined ? { raw: detail.raw } : {}) } : {}),
  };
}

/** Finds one event by id (the file name without `.json`) in any folder. */
export function findEvent(paths: BusPaths, id: string): BusEntry | undefined {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(id)) return undefined;
  return listEntries(paths).find((e) => e.id === id);
}
