import { type BusEntry, type EventState, shortId, typeFromName } from "../bus/browse.js";
import { paintState, paintType } from "../bus/format/paint.js";
import { terminalSafe } from "../bus/format/terminal.js";
import type { ReadEventResult } from "../bus/read-event.js";
import { messageOf } from "./_event-style.js";
import type { Style } from "./_output.js";

/** One event as `manifest spark events --json` lists it (see `eventsListSchema`): every key always present. */
export interface EventRow {
  id: string;
  state: EventState;
  type: string | null;
  timestamp: string | null;
  feature: string | null;
  route: string | null;
  status: number | null;
  command: string | null;
  exitCode: number | null;
  message: string | null;
  fingerprint: string | null;
  file: string;
  /** Whether the file reads as a valid event now (a fixed rejected file does). */
  valid: boolean;
  /** Why it does not (null when valid): what a consumer would reject it for. */
  problem: string | null;
  /** Why it was rejected (rejected only). */
  reason: string | null;
  /** The consumer holding it (claimed only). */
  consumer: string | null;
}

/**
 * The row of an entry, from what reading it gave. A file that does not read as an event
 * (most rejected ones) still gets a row: its type and time come from its name. Pure.
 */
export function eventRow(
  entry: BusEntry,
  read: ReadEventResult,
  reason: string | undefined,
  writtenAt: number | undefined,
): EventRow {
  const event = read.ok ? read.event : undefined;
  return {
    id: entry.id,
    state: entry.state,
    type: event?.type ?? typeFromName(entry) ?? null,
    timestamp: event?.timestamp ?? (writtenAt === undefined ? null : new Date(writtenAt).toISOString()),
    feature: event?.feature ?? null,
    route: event?.route ?? null,
    status: event?.status ?? null,
    command: event?.command ?? null,
    exitCode: event?.exitCode ?? null,
    message: event ? messageOf(event) : null,
    fingerprint: event?.fingerprint ?? null,
    file: entry.path,
    valid: read.ok,
    problem: read.ok || read.missing ? null : read.reason,
    reason: entry.state === "rejected" ? (reason ?? "no reason note beside the file") : null,
    consumer: entry.consumer ?? null,
  };
}

const HEADERS = ["TIME", "STATE", "TYPE", "WHERE", "MESSAGE", "ID"] as const;

/**
 * The readable table: time, state, type, where, message, and the short id that `show` and
 * `requeue` accept. Columns are sized to their content within caps; colour comes after the
 * padding so it never skews the widths. Pure.
 */
export function formatEventsTable(rows: readonly EventRow[], style: Style, width = 160): string[] {
  const cells = rows.map((r) => [
    r.timestamp ? r.timestamp.slice(0, 19).replace("T", " ") : "?",
    r.state,
    r.type ?? "?",
    where(r),
    r.state === "rejected" ? `✖ ${r.reason ?? ""}` : r.problem !== null ? `? ${r.problem}` : (r.message ?? ""),
    shortId(r),
  ]);
  const caps = [19, 9, 18, 30, Number.POSITIVE_INFINITY, 40];
  const widths = HEADERS.map((h, i) =>
    Math.min(caps[i] as number, Math.max(h.length, ...cells.map((c) => (c[i] as string).length))),
  );
  // The message takes what the other columns leave, but never less than 20.
  const others = widths.reduce((n, w, i) => (i === 4 ? n : n + w + 2), 0);
  widths[4] = Math.max(20, Math.min(widths[4] as number, width - others));
  const fit = (text: string, i: number) => clip(text, widths[i] as number).padEnd(widths[i] as number);
  const lines = [
    style.bold(
      HEADERS.map((h, i) => fit(h, i))
        .join("  ")
        .trimEnd(),
    ),
  ];
  for (const [n, c] of cells.entries()) {
    const row = rows[n] as EventRow;
    const parts = c.map((text, i) => fit(text, i));
    parts[1] = paintState(row.state, style)(parts[1] as string);
    parts[2] = paintType(row.type ?? "", style)(parts[2] as string);
    if (row.state === "rejected") parts[4] = style.red(parts[4] as string);
    else if (row.problem !== null) parts[4] = style.yellow(parts[4] as string);
    parts[5] = style.dim(parts[5] as string);
    lines.push(parts.join("  ").trimEnd());
  }
  return lines;
}

function where(r: EventRow): string {
  if (r.type === "process-error" || (r.command && !r.feature && !r.route)) return r.command ?? "";
  const parts = [r.feature, r.route].filter((p): p is string => Boolean(p));
  if (r.status !== null && r.type === "server-error") parts.push(String(r.status));
  return parts.join(" ");
}

function clip(text: string, max: number): string {
  // Made terminal-safe before measuring, so a stripped escape sequence cannot skew a column.
  const flat = terminalSafe(text).replace(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}
