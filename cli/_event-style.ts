import { shortId } from "../bus/browse.js";
import type { SparkEvent } from "../bus/event-schema.js";
import { errorHeadline } from "../bus/format/describe.js";
import { paintState, paintType } from "../bus/format/paint.js";
import { formatEventLine } from "../bus/format/status-line.js";
import type { Style } from "./_output.js";
import type { TailRecord } from "./_tail-records.js";

/**
 * One readable line per tail record. Events use the status-line format and end with their
 * short id (the random tail of the id, which `show` and `requeue` accept), so the move lines
 * that follow (`→ delivered  server-error a1b2c3d4`) can be matched to them. Pure.
 */
export function formatTailRecord(record: TailRecord, style: Style, width = 160): string {
  switch (record.kind) {
    case "event": {
      const e = record.event;
      const tag = record.state === "pending" ? "" : ` ${paintState(record.state, style)(`[${record.state}]`)}`;
      // The status line shows errors; a notification's message is its whole point.
      const note = errorHeadline(e) === "" ? messageOf(e) : null;
      const line = note ? formatEventLine({ ...e, error: { message: note } }, width) : formatEventLine(e, width);
      return `${paintType(e.type, style)(line)} ${style.dim(shortId(e))}${tag}`;
    }
    case "moved": {
      const by = record.to === "claimed" && record.consumer ? ` by ${record.consumer}` : "";
      const arrow = record.to === "pending" ? "↺ back to pending" : `→ ${record.to}${by}`;
      const what = [record.type, shortId(record)].filter((p) => p !== null).join(" ");
      return `  ${paintState(record.to, style)(arrow)}  ${style.dim(what)}`;
    }
    case "rejected":
      return `  ${style.red(`✖ rejected: ${oneLine(record.reason)}`)}  ${style.dim(record.name)}`;
    case "invalid":
      return `  ${style.yellow(`? not a valid event (${record.state}): ${oneLine(record.reason)}`)}  ${style.dim(record.name)}`;
  }
}

/** The error headline, else a notification's `message` (first line). */
export function messageOf(event: SparkEvent): string | null {
  const headline = errorHeadline(event);
  if (headline) return headline;
  return typeof event.message === "string" && event.message !== "" ? (event.message.split("\n", 1)[0] ?? "") : null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
