import type { RunOutcome } from "../../bus/presence.js";

/** The parts of a Pi message an outcome is read from. */
interface MessageLike {
  role: string;
  content?: unknown;
  stopReason?: string;
  errorMessage?: string;
}

const SUMMARY_MAX = 120;

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) =>
      block && typeof block === "object" && (block as { type?: string }).type === "text"
        ? String((block as { text?: unknown }).text ?? "")
        : "",
    )
    .join("");
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  return line.length > SUMMARY_MAX ? `${line.slice(0, SUMMARY_MAX - 1)}…` : line;
}

/**
 * How an agent run ended, from the messages it added: `failed` when it ended in an error (or
 * was aborted) before an answer, else what the answer says first. The sidecar is asked to
 * begin its report with "Fixed:" or "Not fixed:" (see instructions.ts); any other answer is
 * `done`. Pure. (Not `runOutcome`, which says whether a delivery was answered.)
 */
export function runReport(messages: readonly MessageLike[]): Omit<RunOutcome, "endedAt"> {
  const last = [...messages].reverse().find((m) => m.role === "assistant");
  if (!last) return { outcome: "failed", summary: "the run ended without an answer" };
  if (last.stopReason === "error" || last.stopReason === "aborted") {
    return {
      outcome: "failed",
      summary:
        firstLine(last.errorMessage ?? "") || (last.stopReason === "aborted" ? "aborted" : "the model call failed"),
    };
  }
  const summary = firstLine(textOf(last.content).replace(/^\[REPLAY\]\s*/, ""));
  if (/^fixed\b/i.test(summary)) return { outcome: "fixed", summary };
  if (/^(not fixed|gave up|giving up|could not fix|cannot fix|can't fix)\b/i.test(summary)) {
    return { outcome: "gave-up", summary };
  }
  return { outcome: "done", summary: summary || "the agent answered" };
}
