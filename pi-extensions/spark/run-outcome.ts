/** The parts of a message a run outcome looks at. */
interface MessageLike {
  role: string;
  stopReason?: string;
  errorMessage?: string;
}

/** What one agent run came to, as far as a delivery is concerned. */
export interface RunOutcome {
  /** The model answered at least once (any assistant message that is not an error). */
  answered: boolean;
  /** Set when the run's last assistant message is an error: its message. */
  error: string | undefined;
}

/**
 * Reads a run's new messages (Pi's `agent_end`): did the agent answer, and did the run end in an
 * error (a provider that is down, no model: "Connection error.", "No API key for …")? An abort
 * is not an error: a person stopped the run on purpose. Pure.
 */
export function runOutcome(messages: readonly unknown[]): RunOutcome {
  const assistants = messages.filter(
    (m): m is MessageLike => typeof m === "object" && m !== null && (m as MessageLike).role === "assistant",
  );
  const last = assistants.at(-1);
  return {
    answered: assistants.some((m) => m.stopReason !== "error"),
    error: last?.stopReason === "error" ? last.errorMessage || "the model call failed" : undefined,
  };
}
