import { basename, dirname, join } from "node:path";
import { idFromFileName, parseEventId } from "./event-name.js";
import type { BusPaths } from "./paths.js";
import { entryTime, listPending, readEntries } from "./queue.js";
import { REASON_SUFFIX, type RejectReason } from "./reject.js";
import { readRegularFile } from "./secure-fs.js";

/** Where an event file is in its life, one folder each (see bus-protocol.md, "Layout"). */
export const EVENT_STATES = ["pending", "claimed", "delivered", "rejected", "expired"] as const;
export type EventState = (typeof EVENT_STATES)[number];

/** One file found in a bus folder: where it is, not what it holds (nothing is read). */
export interface BusEntry {
  /** File name as it is on disk. */
  readonly name: string;
  /** The event id: the name without `.json` (foreign names are kept whole). */
  readonly id: string;
  readonly state: EventState;
  readonly path: string;
  /** For claimed entries: the consumer that holds it. */
  readonly consumer?: string;
}

/** The folder of a state (claimed entries live one level deeper, per consumer). */
export function stateDir(paths: BusPaths, state: EventState): string {
  switch (state) {
    case "pending":
      return paths.events;
    case "claimed":
      return paths.claimed;
    default:
      return paths[state];
  }
}

/**
 * Every entry in the given states, folder by folder in `states` order (within a folder in
 * name order). A file that moves during the listing can show up twice; the later sighting
 * is the newer one when `states` follows the flow (pending, claimed, then the rest).
 */
export function listEntries(paths: BusPaths, states: readonly EventState[] = EVENT_STATES): BusEntry[] {
  const out: BusEntry[] = [];
  for (const state of states) {
    if (state === "pending") {
      for (const name of listPending(paths)) out.push(entry(name, state, join(paths.events, name)));
    } else if (state === "claimed") {
      for (const owner of readEntries(paths.claimed)) {
        if (!owner.isDirectory()) continue;
        const dir = join(paths.claimed, owner.name);
        for (const name of namesIn(dir)) out.push(entry(name, state, join(dir, name), owner.name));
      }
    } else {
      const dir = stateDir(paths, state);
      for (const name of namesIn(dir)) out.push(entry(name, state, join(dir, name)));
    }
  }
  return out;
}

/** When the entry was written: from its protocol name, else its mtime. */
export function entryWrittenAt(entry: BusEntry): number | undefined {
  return entryTime(dirname(entry.path), entry.name);
}

/** The event type a protocol name carries, without reading the file. */
export function typeFromName(entry: Pick<BusEntry, "id">): string | undefined {
  return parseEventId(entry.id)?.type;
}

/**
 * The `<name>.reason.json` beside a rejected file. Undefined while it is not written yet
 * (a rejection renames first, then writes the reason) or when it is unreadable.
 */
export function readRejectReason(paths: BusPaths, name: string): RejectReason | undefined {
  const read = readRegularFile(join(paths.rejected, `${name}${REASON_SUFFIX}`), 64 * 1024);
  if (!read.ok) return undefined;
  try {
    const body = JSON.parse(read.bytes.toString("utf8")) as Partial<RejectReason>;
    if (typeof body.reason !== "string") return undefined;
    return { reason: body.reason, at: String(body.at ?? ""), by: String(body.by ?? "") };
  } catch {
    return undefined;
  }
}

/**
 * The entries `query` names: an exact id or file name wins; otherwise every entry whose id
 * starts or ends with it (a prefix, or the random tail that listings show). Pure.
 */
export function matchEntries<T extends Pick<BusEntry, "id" | "name">>(entries: readonly T[], query: string): T[] {
  const q = basename(query.trim());
  if (q === "") return [];
  const exact = entries.filter((e) => e.id === q || e.name === q);
  if (exact.length > 0) return exact;
  return entries.filter((e) => e.id.startsWith(q) || e.id.endsWith(q));
}

/** The short handle listings show: the random tail of a protocol id, else the whole name. */
export function shortId(entry: Pick<BusEntry, "id">): string {
  return parseEventId(entry.id)?.random ?? entry.id;
}

function entry(name: string, state: EventState, path: string, consumer?: string): BusEntry {
  const id = idFromFileName(name) ?? name;
  return consumer === undefined ? { name, id, state, path } : { name, id, state, path, consumer };
}

/** Event entries of a terminal folder: no dot files (staged writes), no reason notes. */
function namesIn(dir: string): string[] {
  return readEntries(dir)
    .map((e) => e.name)
    .filter((name) => !name.startsWith(".") && !name.endsWith(REASON_SUFFIX))
    .sort();
}
