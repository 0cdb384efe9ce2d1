/**
 * The `manifest run` runs of the last hour (pure): each log in `.spark/logs/`, with its exit
 * status taken from the process-error event that points at it. A log with no such event is a
 * run that succeeded or is still running: `manifest run` writes an event only on failure.
 */

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

/** One run, as doctor shows it. */
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

/** Runs whose log was written in the last `windowMs`, newest first. */
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
