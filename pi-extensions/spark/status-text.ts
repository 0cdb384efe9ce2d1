import type { SparkEvent } from "../../bus/event-schema.js";
import { describeEvent } from "../../bus/format/describe.js";
import type { AgentPresence } from "../../bus/presence.js";

/** What the human session's status line can say, newest replacing the last. */
export type Happening =
  | { kind: "caught"; event: SparkEvent }
  | { kind: "joined"; agent: AgentPresence }
  | { kind: "left"; agent: AgentPresence }
  | { kind: "sidecar-working" }
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
    case "paused":
      return `⏸ Spark paused: ${h.reason || `by ${h.by}`}`;
    case "resumed":
      return "▶ Spark resumed";
    case "pending":
      return `⚡ ${h.count} Spark event${h.count === 1 ? "" : "s"} pending (no sidecar): /spark take`;
  }
}
