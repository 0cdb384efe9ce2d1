import { basename } from "node:path";

const MAX_NAME = 64;

/**
 * A log name from what the user ran: the command's basename (or the script name), reduced
 * to `[A-Za-z0-9._-]` so it is one safe path segment, never hidden, never empty.
 */
export function sanitizeLogName(raw: string): string {
  const cleaned = basename(raw.replace(/\\/g, "/"))
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, MAX_NAME)
    .replace(/[.-]+$/, "");
  return cleaned === "" ? "run" : cleaned;
}

/** `YYYY-MM-DD-HHMMSS` in local time: log names are read by people, in their time zone. */
export function logStamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(date.getFullYear(), 4)}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** `<name>-<stamp>.log`, or `<name>-<stamp>-<seq>.log` for the second and later log in one second. */
export function logFileName(name: string, stamp: string, seq = 1): string {
  return seq <= 1 ? `${name}-${stamp}.log` : `${name}-${stamp}-${seq}.log`;
}

/** The parts of a log file name. */
export interface ParsedLogName {
  name: string;
  stamp: string;
  seq: number;
}

const LOG_NAME = /^(.+)-(\d{4}-\d{2}-\d{2}-\d{6})(?:-(\d+))?\.log$/;

/** Parses a name made by `logFileName`; anything else is undefined (and never pruned). */
export function parseLogName(file: string): ParsedLogName | undefined {
  const m = LOG_NAME.exec(file);
  if (!m) return undefined;
  return { name: m[1] as string, stamp: m[2] as string, seq: m[3] ? Number(m[3]) : 1 };
}

/**
 * The logs of `name` to delete so that the newest `keep` remain. Newest is by the time in the
 * name, then the sequence number: the order they were started in. Logs of other names, and
 * files Spark did not name, are left alone, so a job run every minute cannot push the dev
 * server's log out.
 */
export function logsToPrune(files: readonly string[], name: string, keep: number): string[] {
  const mine = files
    .map((file) => ({ file, parsed: parseLogName(file) }))
    .filter((f): f is { file: string; parsed: ParsedLogName } => f.parsed?.name === name);
  mine.sort((a, b) =>
    a.parsed.stamp === b.parsed.stamp ? b.parsed.seq - a.parsed.seq : a.parsed.stamp < b.parsed.stamp ? 1 : -1,
  );
  return mine.slice(Math.max(0, keep)).map((f) => f.file);
}
