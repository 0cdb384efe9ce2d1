import { ERROR_EVENT_TYPES, isAgentNotice, type SparkEvent } from "./event-schema.js";

/**
 * What an event asks of an agent:
 * - `failure`: something broke in the app or a command: investigate (and fix, in `fix` mode);
 * - `setup`: a command could not start at all (exit 127: not found, not executable): a typo or
 *   a missing install, said in one line, never a bug to fix in the code;
 * - `notice`: not a failure (a `deploy-finished`, a `manifest spark emit` test event, an agent
 *   joining): news at most, never presented as a problem.
 */
export type EventKind = "failure" | "setup" | "notice";

/** The kind of an event. Pure. */
export function eventKind(event: SparkEvent): EventKind {
  if (event.test === true || isAgentNotice(event.type)) return "notice";
  if (event.type === "process-error" && event.exitCode === 127 && !event.signal) return "setup";
  if (ERROR_EVENT_TYPES.has(event.type) || event.error !== undefined) return "failure";
  return "notice";
}
