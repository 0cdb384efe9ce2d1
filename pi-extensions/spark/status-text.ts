import type { SparkEvent } from "../../bus/event-schema.js";
import { describeEvent } from "../../bus/format/describe.js";
import type { AgentPresence, RunOutcome } from "../../bus/presence.js";

/** What the human session's status line can say, newest replacing the last. */
export type Happening =
  | { kind: "caught"; event: SparkEvent }
  | { kind: "joined"; agent: AgentPresence }
  | { kind: "left"; agent: AgentPresence }
  | { kind: "sidecar-working" }
  /** The sidecar's run ended: how (fixed, gave up, failed) and its first words. */
  | { kind: "ended"; run: RunOutcome }
  | { kind: "paused"; reason: string; by: string }
  | { kind: "resumed" }
  | { kind: "pending"; count: number };

/** The one-line text for a happening. Pure. */
export function statusText(h: Happening): string {
  switch (h.kind) {
    case "caught":
      return `⚡ Spark caught ${describeEvent(h.event)}`;
    case "joined":
      return `🤖 Agent joined (${h.agent.role}, pid ${h.agent.pid})`;
    case "left":
      return `👋 Agent left (${h.agent.role}, pid ${h.agent.pid})`;
    case "sidecar-working":
      return "🔧 Spark is on it";
    case "ended":
      return endedText(h.run);
    case "paused":
      return `⏸ Spark paused: ${h.reason || `by ${h.by}`}`;
    case "resumed":
      return "▶ Spark resumed";
    case "pending":
      return `⚡ ${h.count} Spark event${h.count === 1 ? "" : "s"} pending (no sidecar): /spark take`;
  }
}

const SUMMARY_CELLS = 80;

/** The end of a run, in a line: how it ended first, then the agent's (or the error's) first words. */
function endedText(run: RunOutcome): string {
  const words = run.summary.replace(/^(fixed|not fixed)\s*[:.-]?\s*/i, "");
  const tail = words.length > SUMMARY_CELLS ? `${words.slice(0, SUMMARY_CELLS - 1)}…` : words;
  switch (run.outcome) {
    case "fixed":
      return `✔ Spark fixed it${tail ? `: ${tail}` : ""}`;
    case "gave-up":
      return `✋ Spark gave up${tail ? `: ${tail}` : ""} (see the sidecar)`;
    case "failed":
      return `✖ Spark's run failed${tail ? `: ${tail}` : ""}`;
    case "done":
      return `✔ Spark is done${tail ? `: ${tail}` : ""}`;
  }
}
