import type { RunJson, RunResultJson } from "../schemas.js";
import type { Outcome } from "./outcome.js";
import type { Resolved } from "./resolve.js";

/** One run as the runner saw it, for the `--json` document and the notes. */
export interface RunRecord {
  startedAt: Date;
  durationMs: number;
  outcome: Outcome | { kind: "not-started"; exitCode: number; reason: string };
  /** The child's own exit code and signal (both null when it never started). */
  code: number | null;
  signal: string | null;
  logFile: string | undefined;
  event: { id: string; fingerprint: string } | undefined;
}

/** Facts about the whole `manifest run` invocation. */
export interface RunSummary {
  command: string;
  resolved: Resolved;
  every: string | undefined;
  everyMs: number | undefined;
  /** Why no events are written, when none are. */
  eventsOff: string | undefined;
  exitCode: number;
  stoppedBy: string | undefined;
  runs: readonly RunRecord[];
}

/** The `--json` document (see `runResultSchema`). */
export function runResultJson(s: RunSummary): RunResultJson {
  return {
    ok: s.exitCode === 0,
    command: s.command,
    resolved: {
      kind: s.resolved.kind,
      file: s.resolved.file,
      args: [...s.resolved.args],
      script: s.resolved.kind === "script" ? s.resolved.script : null,
      packageManager: s.resolved.kind === "script" ? s.resolved.manager : null,
    },
    every: s.every ?? null,
    everyMs: s.everyMs ?? null,
    events: { enabled: s.eventsOff === undefined, reason: s.eventsOff ?? null },
    exitCode: s.exitCode,
    stoppedBy: s.stoppedBy ?? null,
    runs: s.runs.map(runJson),
  };
}

function runJson(r: RunRecord): RunJson {
  return {
    startedAt: r.startedAt.toISOString(),
    durationMs: r.durationMs,
    outcome: r.outcome.kind,
    exitCode: r.code,
    signal: r.signal,
    logFile: r.logFile ?? null,
    event: r.event ?? null,
  };
}

/**
 * The line printed on stderr after a run that failed: what happened, where the output is,
 * and whether Spark got it. Nothing is printed for a run that went well or was interrupted.
 */
export function failureNote(message: string, record: RunRecord, eventsOff: string | undefined): string | undefined {
  if (record.outcome.kind === "ok" || record.outcome.kind === "interrupted") return undefined;
  const parts = [message];
  if (record.logFile) parts.push(`log: ${record.logFile}`);
  if (record.event) parts.push(`sent to Spark as process-error ${record.event.id}`);
  else if (eventsOff) parts.push(`not sent to Spark (${eventsOff})`);
  return `manifest run: ${parts.join(" · ")}`;
}
