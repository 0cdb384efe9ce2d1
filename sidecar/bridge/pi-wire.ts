import type { AgentSessionEvent } from "@mariozechner/pi-coding-agent";
import { redactValue } from "../../bus/redact.js";

/**
 * Pi's session events as the bridge sends them: the same `type` and field names (so a client
 * can feed them to `toConversationItem`, as the local dashboard does), without what only
 * bloats the wire (the growing partial message on every delta, tool-call argument deltas),
 * long texts cut, and secret-looking strings redacted. Pure.
 */

/** Longest text kept in one message part or tool result on the wire. */
export const WIRE_TEXT_MAX = 16 * 1024;

type Wire = Record<string, unknown>;

/** The wire form of an event, or undefined for events the bridge does not send. */
export function piEventForWire(event: AgentSessionEvent): Wire | undefined {
  const out = shape(event);
  return out === undefined ? undefined : (redactValue(out, { maxDepth: 12 }) as Wire);
}

function shape(event: AgentSessionEvent): Wire | undefined {
  switch (event.type) {
    case "agent_start":
    case "turn_start":
      return { type: event.type };
    case "agent_end":
      return { type: event.type, messageCount: event.messages.length };
    case "turn_end":
      return { type: event.type, toolResults: event.toolResults.length };
    case "message_start":
    case "message_end":
      return { type: event.type, message: messageForWire(event.message) };
    case "message_update": {
      const e = event.assistantMessageEvent as { type: string; delta?: string; contentIndex?: number };
      // Text and thinking stream to the people watching; tool-call arguments arrive whole in
      // tool_execution_start.
      if (e.type !== "text_delta" && e.type !== "thinking_delta") return undefined;
      return {
        type: event.type,
        assistantMessageEvent: { type: e.type, delta: e.delta ?? "", contentIndex: e.contentIndex ?? 0 },
      };
    }
    case "tool_execution_start":
      return {
        type: event.type,
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        args: boundedArgs(event.args),
      };
    case "tool_execution_end":
      return {
        type: event.type,
        toolCallId: event.toolCallId,
        toolName: event.toolName,
        isError: event.isError,
        result: { content: partsForWire((event.result as { content?: unknown } | undefined)?.content) },
      };
    case "tool_execution_update":
      return undefined;
    default: {
      // Session events (queue, compaction, retries, names, thinking level): small; sent as they are.
      const { type, ...rest } = event as { type: string } & Record<string, unknown>;
      if (type === "compaction_end")
        return { type, reason: rest.reason, aborted: rest.aborted, errorMessage: rest.errorMessage };
      return { type, ...rest };
    }
  }
}

/** A message of the session as `GET /starter/messages` gives it: cut and redacted. */
export function wireMessage(message: unknown): Wire {
  return redactValue(messageForWire(message), { maxDepth: 12 }) as Wire;
}

/** A message with its content cut to what the wire carries. */
export function messageForWire(message: unknown): Wire {
  const m = (message ?? {}) as Record<string, unknown>;
  const out: Wire = { role: m.role };
  for (const key of ["customType", "toolCallId", "toolName", "isError", "stopReason", "errorMessage", "timestamp"]) {
    if (m[key] !== undefined) out[key] = m[key];
  }
  if (typeof m.provider === "string" && typeof m.model === "string") out.model = `${m.provider}/${m.model}`;
  out.content = typeof m.content === "string" ? cut(m.content) : partsForWire(m.content);
  return out;
}

function partsForWire(content: unknown): Wire[] {
  if (typeof content === "string") return [{ type: "text", text: cut(content) }];
  if (!Array.isArray(content)) return [];
  return content.map((part: Record<string, unknown>) => {
    switch (part?.type) {
      case "text":
        return { type: "text", text: cut(String(part.text ?? "")) };
      case "thinking":
        return { type: "thinking", thinking: cut(String(part.thinking ?? "")) };
      case "toolCall":
        return { type: "toolCall", id: part.id, name: part.name, arguments: boundedArgs(part.arguments) };
      case "image":
        // Base64 pictures stay in the session; the wire says one was there.
        return { type: "image", mimeType: part.mimeType };
      default:
        return { type: String(part?.type ?? "unknown") };
    }
  });
}

function boundedArgs(args: unknown): unknown {
  const json = JSON.stringify(args ?? {});
  if (json.length <= WIRE_TEXT_MAX) return args ?? {};
  return { truncated: `${json.slice(0, WIRE_TEXT_MAX)}…`, bytes: json.length };
}

function cut(text: string): string {
  return text.length > WIRE_TEXT_MAX
    ? `${text.slice(0, WIRE_TEXT_MAX)}\n… (${text.length - WIRE_TEXT_MAX} more characters)`
    : text;
}
