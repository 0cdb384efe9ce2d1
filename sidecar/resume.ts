import type { AgentSession } from "@mariozechner/pi-coding-agent";
import { MESSAGE_TYPES } from "../pi-extensions/spark/context.js";

/**
 * The session entry the host leaves when it stops in the middle of a run (a service restart,
 * a Sprite's forced stop): the run was cut, not finished or aborted by a person.
 */
export const INTERRUPTED_ENTRY = "spark-interrupted";

/** A session entry as far as resuming cares. */
export interface EntryLike {
  type: string;
  customType?: string;
  message?: { role: string; stopReason?: string };
}

/**
 * How a restarted sidecar resumes the run its stop cut short:
 * - `continue`: the session ends with something the model never answered (a Spark batch, a
 *   person's prompt, a tool's result): Pi continues from it.
 * - `nudge`: the model's last turn asked for tools that never finished (the process was
 *   killed), or the host marked the run as cut when it stopped: the agent is told so and
 *   carries on (Pi gives the unfinished tool calls an empty result).
 * - undefined: the last run ended (answered, failed, or stopped by a person).
 * Entries that are not the conversation (ids delivered, model changes, the health report)
 * are looked past. Pure.
 */
export function resumeAfterStop(entries: readonly EntryLike[]): "continue" | "nudge" | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as EntryLike;
    if (entry.type === "custom") {
      if (entry.customType === INTERRUPTED_ENTRY) return "nudge";
      continue;
    }
    if (entry.type === "custom_message") {
      if (entry.customType === MESSAGE_TYPES.events) return "continue";
      continue;
    }
    if (entry.type === "message") {
      const role = entry.message?.role;
      if (role === "user" || role === "toolResult") return "continue";
      if (role === "assistant") return entry.message?.stopReason === "toolUse" ? "nudge" : undefined;
      continue;
    }
    if (entry.type === "model_change" || entry.type === "thinking_level_change" || entry.type === "label") continue;
    return undefined;
  }
  return undefined;
}

/** What the agent is told when its run is resumed after a stop. */
export const RESUME_NOTE =
  "The sidecar stopped in the middle of your last run (its machine slept or restarted) and has just started again. " +
  "Tool calls that were running then did not finish: check their effects, and carry on with the task where it was left.";

/**
 * Carries on the run a stop cut short, if the session says there was one (resumeAfterStop).
 * Pi's own retries resume with `continue`; a run that has started meanwhile answers it too.
 */
export function resumeCutRun(session: AgentSession, say: (level: "info" | "error", text: string) => void): void {
  const resume = resumeAfterStop(session.sessionManager.getEntries());
  if (!resume) return;
  say(
    "info",
    resume === "continue"
      ? "resuming the last run: the sidecar stopped before the agent answered it"
      : "resuming the last run: the sidecar stopped while the agent was working on it",
  );
  const resumed =
    resume === "continue"
      ? session.agent.continue()
      : session.sendCustomMessage(
          { customType: "spark-resume", content: RESUME_NOTE, display: true },
          { triggerTurn: true },
        );
  resumed.catch((error: unknown) => {
    if (!session.isStreaming) say("error", (error as Error).message);
  });
}
