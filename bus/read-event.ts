import { idFromFileName } from "./event-name.js";
import { passesQuickCheck } from "./event-quick-check.js";
import { eventSchema, type SparkEvent } from "./event-schema.js";
import { LIMITS } from "./limits.js";
import { readRegularFile } from "./secure-fs.js";
import { describeIssues } from "./zod-issues.js";

/** A file that was read and validated, or why it was not. */
export type ReadEventResult =
  | { ok: true; event: SparkEvent }
  | { ok: false; missing: true }
  | { ok: false; missing?: false; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads one event file defensively: never follows a symlink, never reads more than the
 * reader limit, and rejects invalid UTF-8, invalid JSON, non-objects and schema failures,
 * each with a reason a person can act on.
 */
export function readEventFile(path: string, fileName: string): ReadEventResult {
  const stem = idFromFileName(fileName);
  if (stem === undefined) return { ok: false, reason: `not an event file: "${fileName}" does not end in .json` };
  const read = readRegularFile(path, LIMITS.readerMaxBytes);
  if (!read.ok) {
    if (read.reason === "missing") return { ok: false, missing: true };
    if (read.reason === "not-a-file")
      return { ok: false, reason: "not a regular file (symlinks and folders are never followed)" };
    if (read.reason === "unreadable") return { ok: false, reason: `cannot read the file (${read.code})` };
    return { ok: false, reason: `file is ${read.size} bytes, over the reader limit of ${LIMITS.readerMaxBytes} bytes` };
  }
  return parseEventBytes(read.bytes, stem);
}

/** Validates the bytes of an event file whose name (without `.json`) is `stem`. */
export function parseEventBytes(bytes: Uint8Array, stem: string): ReadEventResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: "file is not valid UTF-8" };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON${jsonErrorWhere(error)}` };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      ok: false,
      reason: `event must be a JSON object, got ${Array.isArray(body) ? "an array" : body === null ? "null" : typeof body}`,
    };
  }
  const withId = { id: stem, ...(body as Record<string, unknown>) };
  let event: SparkEvent;
  if (passesQuickCheck(withId)) event = withId as SparkEvent;
  else {
    const parsed = eventSchema.safeParse(withId);
    if (!parsed.success) return { ok: false, reason: `schema: ${describeIssues(parsed.error)}` };
    event = parsed.data;
  }
  if (event.id !== stem) {
    return { ok: false, reason: `schema: \`id\` "${event.id}" does not match the file name "${stem}.json"` };
  }
  return { ok: true, event };
}

/**
 * Where JSON.parse failed, without its message: on Node 20 that quotes the bytes around the
 * error, which can be a secret, and the reason is written to disk and shown to agents.
 */
export function jsonErrorWhere(error: unknown): string {
  const at = /position (\d+)/.exec((error as Error)?.message ?? "")?.[1];
  return at === undefined ? "" : ` (at byte ${at})`;
}
