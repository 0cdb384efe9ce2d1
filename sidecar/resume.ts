import { MESSAGE_TYPES } from "../pi-extensions/spark/context.js";

/** A conversation message as far as resuming cares. */
interface MessageLike {
  role: string;
  customType?: string;
}

/**
 * Whether the session's last Spark batch was never answered: the sidecar died after Pi wrote
 * the batch to the session and before the model replied. On restart its events are recognised
 * as delivered (their ids are in the session) and not sent again, so the host must resume the
 * run for the agent to see them. Informational messages (health, agents) may follow it. Pure.
 */
export function lastBatchUnanswered(messages: readonly MessageLike[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as MessageLike;
    if (message.role === "assistant") return false;
    if (message.role === "custom" && message.customType === MESSAGE_TYPES.events) return true;
  }
  return false;
}
