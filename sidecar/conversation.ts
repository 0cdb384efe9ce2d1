import type { AgentSessionEvent } from "@mariozechner/pi-coding-agent";
import { redactText } from "../bus/redact.js";

/** One thing that happened in the sidecar's conversation, as the dashboard and NDJSON show it. */
export type ConversationItem =
  | { kind: "user"; text: string }
  | { kind: "spark"; customType: string; text: string }
  | { kind: "assistant-delta"; delta: string }
  | { kind: "assistant"; text: string; error?: string }
  | { kind: "tool-start"; id: string; name: string; summary: string }
  | { kind: "tool-end"; id: string; name: string; ok: boolean; summary: string }
  | { kind: "run-start" }
  | { kind: "run-end" };

/** Maps Pi's session events to conversation items (undefined: not shown). Pure. */
export function toConversationItem(event: AgentSessionEvent): ConversationItem | undefined {
  switch (event.type) {
    case "message_start": {
      const m = event.message as { role: string; customType?: string; content?: unknown };
      if (m.role === "user") return { kind: "user", text: textOf(m.content) };
      if (m.role === "custom") return { kind: "spark", customType: m.customType ?? "custom", text: textOf(m.content) };
      return undefined;
    }
    case "message_update": {
      const e = event.assistantMessageEvent as { type: string; delta?: string };
      return e.type === "text_delta" && e.delta ? { kind: "assistant-delta", delta: e.delta } : undefined;
    }
    case "message_end": {
      const m = event.message as { role: string; content?: unknown; errorMessage?: string; stopReason?: string };
      if (m.role !== "assistant") return undefined;
      const text = textOf(m.content);
      // An abort (the `a` key) is the person's choice, not a model failure.
      if (m.stopReason === "aborted") return { kind: "assistant", text: `${text}${text ? "\n" : ""}⏹ stopped` };
      return m.stopReason === "error" || m.errorMessage
        ? { kind: "assistant", text, error: m.errorMessage ?? "the model call failed" }
        : { kind: "assistant", text };
    }
    case "tool_execution_start":
      return {
        kind: "tool-start",
        id: event.toolCallId,
        name: event.toolName,
        summary: summarizeArgs(event.toolName, event.args),
      };
    case "tool_execution_end":
      return {
        kind: "tool-end",
        id: event.toolCallId,
        name: event.toolName,
        ok: !event.isError,
        summary: firstLine(textOf((event.result as { content?: unknown } | undefined)?.content), 120),
      };
    case "agent_start":
      return { kind: "run-start" };
    case "agent_end":
      return { kind: "run-end" };
    default:
      return undefined;
  }
}

/** A tool call in a few words: the command, the file, the pattern. */
export function summarizeArgs(tool: string, args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  const pick = tool === "bash" ? a.command : (a.path ?? a.pattern ?? a.query);
  return firstLine(typeof pick === "string" ? pick : JSON.stringify(args ?? {}), 120);
}

/** Plain text of a message content (string, or text parts). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string }) =>
      part?.type === "text" && typeof part.text === "string" ? part.text : "",
    )
    .join("");
}

function firstLine(text: string, max: number): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * An item as the screens and NDJSON may show it: its text through the event redactor (pure).
 * Text deltas are left alone (a secret can span two of them): whoever joins them redacts the
 * whole (the dashboard's conversation log does; NDJSON leaves deltas out).
 */
export function redactHostItem<T extends { kind: string }>(item: T): T {
  const out: Record<string, unknown> = { ...item };
  let changed = false;
  for (const key of ["text", "summary", "error"] as const) {
    const value = out[key];
    if (typeof value !== "string") continue;
    const safe = redactText(value);
    if (safe !== value) {
      out[key] = safe;
      changed = true;
    }
  }
  return changed ? (out as T) : item;
}
