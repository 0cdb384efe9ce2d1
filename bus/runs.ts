/**
 * The `manifest run` runs of the last hour: each log in `.spark/logs/`, with its exit status
 * taken from the process-error event that points at it. A log with no such event is a run
 * that succeeded or is still running: `manifest run` writes an event only on failure.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseEventId } from "./event-name.js";
import type { BusPaths } from "./paths.js";
import { readEntries } from "./queue.js";
import { readEventFile } from "./read-event.js";

/** A log file as listed on disk. */
export interface LogFile {
  name: string;
  mtimeMs: number;
}

/** The parts of a process-error event that tie it to its run. */
export interface RunEvent {
  id: string;
  logFile?: string | undefined;
  command?: string | undefined;
  exitCode?: number | null | undefined;
  signal?: string | null | undefined;
}

/** One run, as doctor and the dashboard show it. */
export interface RunFact {
  /** The log's path relative to the project root. */
  log: string;
  /** ISO time of the log's last write. */
  at: string;
  status: "failed" | "ok-or-running";
  command: string | null;
  exitCode: number | null;
  signal: string | null;
  /** The process-error event of a failed run. */
  eventId: string | null;
}

export const RUN_WINDOW_MS = 60 * 60_000;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Runs whose log was written in the last `windowMs`, newest first (pure). */
export function recentRuns(
  logsDir: string,
  logs: readonly LogFile[],
  events: readonly RunEvent[],
  now: number,
  windowMs = RUN_WINDOW_MS,
): RunFact[] {
  const byLog = new Map<string, RunEvent>();
  for (const event of events) if (event.logFile) byLog.set(baseName(event.logFile), event);
  return logs
    .filter((log) => log.name.endsWith(".log") && now - log.mtimeMs <= windowMs)
    .sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? 1 : -1))
    .map((log) => {
      const event = byLog.get(log.name);
      return {
        log: `${logsDir}/${log.name}`,
        at: new Date(log.mtimeMs).toISOString(),
        status: event ? "failed" : "ok-or-running",
        command: event?.command ?? null,
        exitCode: event?.exitCode ?? null,
        signal: event?.signal ?? null,
        eventId: event?.id ?? null,
      };
    });
}

/** Reads the runs of the last `windowMs` from the bus: the logs, and the process-error events that name them. */
export function readRuns(paths: BusPaths, now = Date.now(), windowMs = RUN_WINDOW_MS): RunFact[] {
  return recentRuns(
    relative(paths.root, paths.logs),
    listLogFiles(paths),
    recentProcessErrors(paths, now, windowMs),
    now,
    windowMs,
  );
}

/** Every file in `.spark/logs/` with its last write time. */
export function listLogFiles(paths: BusPaths): LogFile[] {
  let names: string[];
  try {
    names = readdirSync(paths.logs);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [{ name, mtimeMs: statSync(join(paths.logs, name)).mtimeMs }];
    } catch {
      return [];
    }
  });
}

/** process-error events of the last `windowMs`, wherever they are in the bus now. */
export function recentProcessErrors(paths: BusPaths, now: number, windowMs = RUN_WINDOW_MS): RunEvent[] {
  const dirs = [paths.events, paths.delivered, paths.expired];
  for (const owner of readEntries(paths.claimed)) if (owner.isDirectory()) dirs.push(join(paths.claimed, owner.name));
  const out: RunEvent[] = [];
  for (const dir of dirs) {
    for (const entry of readEntries(dir)) {
      const parts = parseEventId(entry.name.replace(/\.json$/, ""));
      // The name carries the type and time: read only the files that can matter.
      if (parts?.type !== "process-error" || now - parts.ms > windowMs + 60_000) continue;
      const read = readEventFile(join(dir, entry.name), entry.name);
      if (!read.ok) continue;
      const e = read.event;
      out.push({ id: e.id, logFile: e.logFile, command: e.command, exitCode: e.exitCode, signal: e.signal });
    }
  }
  return out;
}
