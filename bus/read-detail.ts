import { type BusEntry, readRejectReason } from "./browse.js";
import type { EventDetail } from "./format/detail.js";
import { LIMITS } from "./limits.js";
import type { BusPaths } from "./paths.js";
import { readEventFile } from "./read-event.js";
import { readRegularFile } from "./secure-fs.js";

/**
 * Reads everything there is to show about one entry: the event, or why it is not one (with
 * the start of its text), and the reason note of a rejected file. Undefined when the file
 * moved or went away while it was being read.
 */
export function readEventDetail(paths: BusPaths, entry: BusEntry, rawMaxChars = 16 * 1024): EventDetail | undefined {
  const read = readEventFile(entry.path, entry.name);
  if (!read.ok && read.missing) return undefined;
  return {
    entry,
    event: read.ok ? read.event : undefined,
    problem: read.ok ? undefined : read.reason,
    reason: entry.state === "rejected" ? readRejectReason(paths, entry.name)?.reason : undefined,
    raw: read.ok ? undefined : rawText(entry.path, rawMaxChars),
  };
}

/** The start of a file that is not a valid event, as text, to see what is wrong with it. */
function rawText(path: string, maxChars: number): string | undefined {
  const read = readRegularFile(path, LIMITS.readerMaxBytes);
  if (!read.ok) return undefined;
  const text = read.bytes.toString("utf8");
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)` : text;
}
