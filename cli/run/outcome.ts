import { constants } from "node:os";
import type { EventInput } from "../../bus/build-event.js";

/** How a child process ended, as `exit` reports it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a finished run means for Spark and for the runner's own exit code. */
export type Outcome =
  | { kind: "ok"; exitCode: number }
  /** Exited non-zero on its own: an event. */
  | { kind: "failed"; exitCode: number; code: number }
  /** Killed by a signal the runner did not send (SIGKILL from outside, a crash): an event. */
  | { kind: "killed"; exitCode: number; signal: string }
  /** Ended after the runner forwarded Ctrl+C, SIGTERM or SIGHUP: by design, no event. */
  | { kind: "interrupted"; exitCode: number; signal: string };

/** 128 + the signal's number, as shells report a death by signal (130 for SIGINT). */
export function signalExitCode(signal: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return 128 + (number ?? 0);
}

/**
 * Classifies a run's end. After the runner forwarded a signal, whatever the child does next
 * is the user's interrupt, not a failure, unless it dies by a different signal the runner did
 * not send. The runner exits as the child did: its code, or 128 + N for signal N.
 */
export function classifyExit(exit: ChildExit, forwarded: readonly string[]): Outcome {
  const exitCode = exit.signal ? signalExitCode(exit.signal) : (exit.code ?? 1);
  const last = forwarded[forwarded.length - 1];
  if (exit.signal && !forwarded.includes(exit.signal)) return { kind: "killed", exitCode, signal: exit.signal };
  if (last !== undefined) return { kind: "interrupted", exitCode, signal: exit.signal ?? last };
  if (exitCode === 0) return { kind: "ok", exitCode };
  return { kind: "failed", exitCode, code: exitCode };
}

/** "node server.js exited with code 3", "node server.js was killed by SIGKILL". */
export function failureMessage(command: string, outcome: Outcome): string {
  if (outcome.kind === "killed") return `${command} was killed by ${outcome.signal}`;
  if (outcome.kind === "interrupted") return `${command} was interrupted (${outcome.signal})`;
  return `${command} exited with code ${outcome.exitCode}`;
}

/** What a failed run tells Spark (the writer redacts, limits and fingerprints it). */
export interface FailedRun {
  command: string;
  outcome: Outcome;
  /** The log, relative to the project root. */
  logFile: string | undefined;
  tail: string;
  durationMs: number;
  /** The run's id, also given to the child (`SPARK_RUN_ID`): its crash events carry it too. */
  runId?: string | undefined;
}

/** The `process-error` event of a failed or killed run. */
export function processErrorInput(run: FailedRun): EventInput {
  const { outcome } = run;
  return {
    type: "process-error",
    command: run.command,
    ...(outcome.kind === "killed" ? { signal: outcome.signal } : { exitCode: outcome.exitCode }),
    ...(run.logFile ? { logFile: run.logFile } : {}),
    tail: run.tail,
    durationMs: run.durationMs,
    ...(run.runId ? { runId: run.runId } : {}),
    error: { name: "ProcessError", message: failureMessage(run.command, outcome) },
  };
}

/** The `process-error` event of a command that could not start (exit 127). */
export function cannotStartInput(command: string, message: string, code: string): EventInput {
  return {
    type: "process-error",
    command,
    exitCode: 127,
    error: { name: "ProcessError", message, code },
  };
}
