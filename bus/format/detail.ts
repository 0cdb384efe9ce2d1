import type { BusEntry } from "../browse.js";
import type { SparkEvent } from "../event-schema.js";
import { describeEvent, errorHeadline } from "./describe.js";
import { paintState, paintType, type TextStyle } from "./paint.js";

/** What is known about one entry, to show it whole (`manifest spark events show`, the dashboard). */
export interface EventDetail {
  entry: BusEntry;
  /** The event, when the file reads as one. */
  event: SparkEvent | undefined;
  /** Why it does not read as an event. */
  problem: string | undefined;
  /** Why it was rejected (rejected only). */
  reason: string | undefined;
  /** The file's text when it is not an event (clipped), to see what is wrong with it. */
  raw: string | undefined;
}

/** Fields shown in the header; everything else goes under "Other fields". */
const HEADER_FIELDS = new Set([
  "v",
  "id",
  "type",
  "timestamp",
  "traceId",
  "environment",
  "source",
  "feature",
  "route",
  "status",
  "command",
  "exitCode",
  "signal",
  "logFile",
  "fingerprint",
  "error",
  "request",
  "tail",
  "message",
]);

/**
 * One event whole, for reading: a header of facts, then the stack, the request input, the
 * output tail and any other field, each as written (secrets were redacted before the file
 * was written). A file that is not an event shows why, and its text. Pure.
 */
export function formatEventDetail(d: EventDetail, style: TextStyle): string[] {
  const { entry, event } = d;
  const lines: string[] = [];
  const title = event ? describeEvent(event) : "a file that is not a valid event";
  lines.push(
    `${paintType(event?.type ?? "", style)(style.bold(title))}  ${paintState(entry.state, style)(entry.state)}`,
  );
  const fact = (label: string, value: unknown) => {
    if (value === undefined || value === null || value === "") return;
    lines.push(`  ${style.dim(label.padEnd(12))}${String(value)}`);
  };
  fact("id", entry.id);
  fact("file", entry.path);
  if (entry.consumer) fact("claimed by", entry.consumer);
  if (d.reason) lines.push(`  ${style.dim("rejected".padEnd(12))}${style.red(d.reason)}`);
  if (d.problem && d.problem !== d.reason) lines.push(`  ${style.dim("problem".padEnd(12))}${style.red(d.problem)}`);
  if (event) {
    fact("type", event.type);
    fact("time", event.timestamp);
    fact("environment", event.environment);
    if (event.source)
      fact("source", `${event.source.app ? `${event.source.app} ` : ""}pid ${event.source.pid}@${event.source.host}`);
    fact("feature", event.feature);
    fact("route", event.route);
    fact("status", event.status);
    fact("command", event.command);
    if (event.type === "process-error" || event.exitCode !== undefined) fact("exit code", event.exitCode);
    fact("signal", event.signal);
    fact("log", event.logFile);
    fact("trace id", event.traceId);
    fact("fingerprint", event.fingerprint);
    fact("error", errorHeadline(event));
    if (typeof event.message === "string") fact("message", event.message);
    if (event.error?.code !== undefined) fact("error code", event.error.code);
    section(lines, "Stack", event.error?.stack);
    if (event.request?.input !== undefined) {
      section(lines, "Request input (redacted)", JSON.stringify(event.request.input, null, 2));
    }
    section(lines, "Output tail", event.tail);
    const other = Object.fromEntries(Object.entries(event).filter(([key]) => !HEADER_FIELDS.has(key)));
    const { message: _m, stack: _s, name: _n, code: _c, ...errorExtra } = event.error ?? {};
    if (Object.keys(errorExtra).length > 0) other.error = errorExtra;
    if (Object.keys(other).length > 0) section(lines, "Other fields", JSON.stringify(other, null, 2));
  } else {
    section(lines, "File content", d.raw);
  }
  return lines;
}

function section(lines: string[], title: string, body: string | undefined): void {
  if (body === undefined || body === "") return;
  lines.push("", `${title}:`);
  for (const line of body.replace(/\n+$/, "").split("\n")) lines.push(`  ${line}`);
}
