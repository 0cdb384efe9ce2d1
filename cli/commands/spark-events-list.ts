import { defineCommand } from "citty";
import {
  type BusEntry,
  type EventState,
  entryWrittenAt,
  listEntries,
  readRejectReason,
  typeFromName,
} from "../../bus/browse.js";
import type { BusPaths } from "../../bus/paths.js";
import { type ReadEventResult, readEventFile } from "../../bus/read-event.js";
import { jsonArg } from "../_args.js";
import { parseCount, parseStates, parseType } from "../_event-args.js";
import { type EventRow, eventRow, formatEventsTable } from "../_event-rows.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** What `events` lists unless told otherwise: everything but the delivered history. */
export const LIST_DEFAULT_STATES: readonly EventState[] = ["pending", "claimed", "rejected", "expired"];

/** The arguments of `events list` (and of `events` itself, which lists). */
export const listArgs = {
  state: {
    type: "string",
    description: "pending, claimed, delivered, rejected, expired, a comma list, or all (default: all but delivered)",
  },
  limit: { type: "string", default: "50", description: "Show at most this many, newest first" },
  type: { type: "string", description: "Only events of this type, e.g. server-error" },
  ...jsonArg,
} as const;

/** `manifest spark events list`. */
export const eventsListCommand = defineCommand({
  meta: { name: "list", description: "List events, newest first (default: all but delivered)" },
  args: listArgs,
  run: ({ args }) => runList(args),
});

/** Lists events as a table, or `{ok, states, total, events}` with `--json` (see `eventsListSchema`). */
export function runList(args: { state?: string; limit?: string; type?: string; json?: boolean }): number {
  const states = parseStates(args.state, LIST_DEFAULT_STATES);
  const limit = parseCount(args.limit, "limit", 50);
  const type = parseType(args.type);
  const out = createOutput(Boolean(args.json));
  const { paths } = projectConfig();
  const { rows, total } = listRows(paths, states, limit, type);
  out.document({ ok: true, states, total, events: rows });
  if (out.json) return 0;
  if (rows.length === 0) {
    out.line(`No ${type ? `${type} ` : ""}events (${states.join(", ")}).`);
    if (states.length < 5) out.line(out.style.dim("  `manifest spark events --state all` lists every folder."));
    return 0;
  }
  for (const line of formatEventsTable(rows, out.style, process.stdout.columns ?? 160)) out.line(line);
  if (total > rows.length)
    out.line(out.style.dim(`…and ${total - rows.length} older (--limit ${total} shows them all)`));
  return 0;
}

/**
 * The newest `limit` rows of the given states, and how many match in all. Only the rows
 * shown are read, except files whose name carries no type when a type is asked for.
 */
export function listRows(
  paths: BusPaths,
  states: readonly EventState[],
  limit: number,
  type: string | undefined,
): { rows: EventRow[]; total: number } {
  // A file that moved during the listing shows up twice: the later sighting is current.
  const entries = [...new Map(listEntries(paths, states).map((e) => [e.name, e])).values()]
    .map((entry) => ({ entry, time: entryWrittenAt(entry) ?? 0 }))
    .sort((a, b) => b.time - a.time || (a.entry.name < b.entry.name ? 1 : -1));
  const rows: EventRow[] = [];
  let total = 0;
  for (const { entry, time } of entries) {
    let read: ReadEventResult | undefined;
    if (type !== undefined) {
      const named = typeFromName(entry);
      if (named === undefined) {
        read = readEventFile(entry.path, entry.name);
        if (!read.ok || read.event.type !== type) continue;
      } else if (named !== type) continue;
    }
    total++;
    if (rows.length >= limit) continue;
    read ??= readEventFile(entry.path, entry.name);
    if (!read.ok && read.missing) {
      total--;
      continue;
    }
    rows.push(eventRow(entry, read, reasonOf(paths, entry), time || undefined));
  }
  return { rows, total };
}

function reasonOf(paths: BusPaths, entry: BusEntry): string | undefined {
  return entry.state === "rejected" ? readRejectReason(paths, entry.name)?.reason : undefined;
}
