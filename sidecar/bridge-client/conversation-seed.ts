import type { AgentSessionEvent } from "@mariozechner/pi-coding-agent";
import { type ConversationItem, toConversationItem } from "../conversation.js";

/**
 * The conversation as a remote dashboard rebuilds it: the session's messages (`GET
 * /starter/messages`) turned into the same items the live events give, so a page opened in
 * the middle of a session, or one that lost its stream, shows what the local dashboard shows.
 * Pure.
 */

/** A message as the bridge sends it (`wireMessage`). */
export interface WireMessage {
  role?: unknown;
  content?: unknown;
  customType?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  isError?: unknown;
  stopReason?: unknown;
  errorMessage?: unknown;
}

/** A `pi` event of the stream as a conversation item (the bridge keeps Pi's own shape). */
export function itemOfPiEvent(wire: unknown): ConversationItem | undefined {
  if (typeof (wire as { type?: unknown } | undefined)?.type !== "string") return undefined;
  return toConversationItem(wire as AgentSessionEvent);
}

/** The items of a conversation, in order, from its messages. */
export function itemsOfMessages(messages: readonly WireMessage[]): ConversationItem[] {
  const items: ConversationItem[] = [];
  const add = (event: unknown) => {
    const item = itemOfPiEvent(event);
    if (item) items.push(item);
  };
  for (const message of messages) {
    switch (message.role) {
      case "user":
      case "custom":
        add({ type: "message_start", message });
        break;
      case "assistant":
        add({ type: "message_end", message });
        for (const part of Array.isArray(message.content) ? message.content : []) {
          const p = part as { type?: unknown; id?: unknown; name?: unknown; arguments?: unknown };
          if (p.type === "toolCall")
            add({
              type: "tool_execution_start",
              toolCallId: String(p.id),
              toolName: String(p.name),
              args: p.arguments,
            });
        }
        break;
      case "toolResult":
        add({
          type: "tool_execution_end",
          toolCallId: String(message.toolCallId),
          toolName: String(message.toolName),
          isError: message.isError === true,
          result: { content: message.content },
        });
        break;
    }
  }
  return items;
}
