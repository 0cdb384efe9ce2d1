import type { RelayRecord } from "./records.js";

/**
 * What `manifest relay` prints for a person, paced: a storm of 10,000 events must not become
 * 10,000 lines in a tmux pane. In each window the first few per-event records (sent, received,
 * already here) print as they come; the rest are counted and told in one line when the window
 * ends. Anything else (a pause, an error, a disconnect) prints at once, after the count so far,
 * so the order of what happened stays true. `--json` is not paced: every record is printed.
 * Pure: the caller owns the clock and the timer.
 */
export interface LinePacer {
  /** The lines to print now for `record` (the pending count first when it closes a window). */
  push(record: RelayRecord, now: number): string[];
  /** The count line for a window that has ended by `now` (empty when there is nothing to tell). */
  flush(now: number): string[];
  /** Whether a count waits to be told (the caller keeps a timer while it does). */
  waiting(): boolean;
}

/** Per-event records: the ones a storm multiplies. */
type EventRecordType = "published" | "received" | "duplicate";
const PER_EVENT: ReadonlySet<RelayRecord["type"]> = new Set<EventRecordType>(["published", "received", "duplicate"]);

export interface PacerOptions {
  /** Per-event lines shown in each window before counting starts (default 5). */
  linesPerWindow?: number;
  /** The window in ms (default 1000). */
  windowMs?: number;
}

export function createLinePacer(line: (record: RelayRecord) => string, options: PacerOptions = {}): LinePacer {
  const perWindow = options.linesPerWindow ?? 5;
  const windowMs = options.windowMs ?? 1000;
  let windowStart = Number.NEGATIVE_INFINITY;
  let shown = 0;
  const counted: Record<EventRecordType, number> = { published: 0, received: 0, duplicate: 0 };

  const countLine = (): string[] => {
    const parts: string[] = [];
    if (counted.published > 0) parts.push(`${counted.published.toLocaleString("en-US")} sent to the hub`);
    if (counted.received > 0) parts.push(`${counted.received.toLocaleString("en-US")} received`);
    if (counted.duplicate > 0) parts.push(`${counted.duplicate.toLocaleString("en-US")} already here`);
    counted.published = counted.received = counted.duplicate = 0;
    return parts.length === 0 ? [] : [`… and ${parts.join(", ")} (not listed one by one; --json lists each)`];
  };

  const flush = (now: number): string[] => {
    if (now - windowStart < windowMs) return [];
    const lines = countLine();
    windowStart = now;
    shown = 0;
    return lines;
  };

  return {
    push(record, now) {
      if (!PER_EVENT.has(record.type)) {
        const lines = countLine();
        lines.push(line(record));
        return lines;
      }
      const lines = flush(now);
      if (shown < perWindow) {
        shown++;
        lines.push(line(record));
      } else counted[record.type as EventRecordType]++;
      return lines;
    },
    flush,
    waiting: () => counted.published + counted.received + counted.duplicate > 0,
  };
}
