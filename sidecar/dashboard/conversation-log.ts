import { redactText } from "../../bus/redact.js";
import type { HostItem } from "../host.js";

/** One block of the conversation pane. */
export type Entry =
  | { kind: "user"; text: string }
  | { kind: "spark"; label: string; text: string }
  | { kind: "assistant"; text: string; streaming: boolean; error?: string | undefined }
  | { kind: "tool"; id: string; name: string; summary: string; state: "running" | "ok" | "failed"; result: string }
  | { kind: "notice"; level: "info" | "warning" | "error"; text: string };

/** The conversation as the dashboard keeps it: the newest entries only, each of bounded size. */
export interface ConversationLog {
  /** Takes one thing the host reported; returns whether the pane changed. */
  apply(item: HostItem): boolean;
  entries(): readonly Entry[];
  /** Whether the agent is in a run (between run-start and run-end). */
  running(): boolean;
}

export interface LogLimits {
  /** Entries kept (older ones are dropped). */
  maxEntries: number;
  /** Characters kept of one entry's text (the start; a streamed answer keeps growing up to it). */
  maxText: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxEntries: 400, maxText: 16 * 1024 };

const SPARK_LABELS: Record<string, string> = {
  "spark-events": "events",
  "spark-health": "health",
  "spark-agents": "agents",
};

/** A bounded conversation log fed with host items. No I/O, no timers. */
export function createConversationLog(limits: LogLimits = DEFAULT_LOG_LIMITS): ConversationLog {
  const list: Entry[] = [];
  const tools = new Map<string, Extract<Entry, { kind: "tool" }>>();
  let streaming: Extract<Entry, { kind: "assistant" }> | undefined;
  /** The raw text of the streaming answer (what is shown is its redacted form). */
  let streamed = "";
  let inRun = false;

  const cap = (text: string) =>
    text.length <= limits.maxText
      ? text
      : `${text.slice(0, limits.maxText)}\n… (${text.length - limits.maxText} more characters)`;
  const push = (entry: Entry) => {
    list.push(entry);
    // Drop in chunks: one splice per many entries, not one shift per entry.
    if (list.length > limits.maxEntries + 32) {
      for (const gone of list.splice(0, list.length - limits.maxEntries)) {
        if (gone.kind === "tool") tools.delete(gone.id);
        if (gone === streaming) streaming = undefined;
      }
    }
  };
  const endStream = () => {
    if (streaming) streaming.streaming = false;
    streaming = undefined;
  };

  return {
    apply(item) {
      switch (item.kind) {
        case "status":
          return false;
        case "run-start":
          inRun = true;
          return true;
        case "run-end":
          inRun = false;
          endStream();
          return true;
        case "user":
          endStream();
          push({ kind: "user", text: cap(item.text) });
          return true;
        case "spark":
          endStream();
          push({ kind: "spark", label: SPARK_LABELS[item.customType] ?? item.customType, text: cap(item.text) });
          return true;
        case "assistant-delta":
          if (!streaming) {
            streaming = { kind: "assistant", text: "", streaming: true };
            streamed = "";
            push(streaming);
          }
          // Past the limit the rest of the stream is dropped; the final text says how much.
          // The whole is redacted each time: a secret may arrive split over two deltas.
          if (streamed.length < limits.maxText) {
            streamed = (streamed + item.delta).slice(0, limits.maxText);
            streaming.text = redactText(streamed);
          }
          return true;
        case "assistant": {
          const text = cap(item.text);
          if (streaming) {
            // The final text is the whole answer: it replaces what the deltas built up.
            if (text !== "") streaming.text = text;
            streaming.error = item.error;
            endStream();
            return true;
          }
          // A turn of tool calls only has no text: nothing to show.
          if (text === "" && !item.error) return false;
          push({ kind: "assistant", text, streaming: false, error: item.error });
          return true;
        }
        case "tool-start": {
          endStream();
          const entry: Extract<Entry, { kind: "tool" }> = {
            kind: "tool",
            id: item.id,
            name: item.name,
            summary: item.summary,
            state: "running",
            result: "",
          };
          tools.set(item.id, entry);
          push(entry);
          return true;
        }
        case "tool-end": {
          const entry = tools.get(item.id);
          tools.delete(item.id);
          if (entry) {
            entry.state = item.ok ? "ok" : "failed";
            entry.result = item.summary;
          } else {
            push({
              kind: "tool",
              id: item.id,
              name: item.name,
              summary: "",
              state: item.ok ? "ok" : "failed",
              result: item.summary,
            });
          }
          return true;
        }
        case "notice":
          push({ kind: "notice", level: item.level, text: cap(item.text) });
          return true;
      }
    },
    entries: () => list,
    running: () => inRun,
  };
}
