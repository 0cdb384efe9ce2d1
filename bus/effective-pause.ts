import type { PauseState } from "./pause.js";
import type { AgentPresence } from "./presence.js";

/** Whether a consumer must hold events now, and why. */
export type HoldState =
  | { held: false }
  | {
      held: true;
      cause: "manual";
      by: string;
      reason: string;
      since: string;
      /** What ends it besides `resume` (a git rebase), in words. */
      until?: string;
    }
  | { held: true; cause: "unreadable-pause"; problem: string }
  | { held: true; cause: "human-working"; agents: string[] }
  /** The consumer itself cannot deliver (for example: no model configured). */
  | { held: true; cause: "watch-only"; reason: string }
  /** Another consumer is the one to take the events (a sidecar, for a human session). */
  | { held: true; cause: "deferred"; reason: string };

/**
 * Effective pause = a manual pause that is not stale, an unreadable pause file (fail safe),
 * or any live human agent that is `working`. `liveAgents` must already be filtered to the
 * living. Pure.
 */
export function evaluateHold(pause: PauseState, liveAgents: readonly AgentPresence[]): HoldState {
  if (pause.kind === "unreadable") return { held: true, cause: "unreadable-pause", problem: pause.problem };
  if (pause.kind === "paused" && !pause.stale) {
    const { by, reason, since } = pause.pause;
    const until = pause.waitsFor ? "until the git rebase finishes or is aborted" : undefined;
    return { held: true, cause: "manual", by, reason, since, ...(until ? { until } : {}) };
  }
  const working = liveAgents.filter((a) => a.role === "human" && a.status === "working").map((a) => a.id);
  if (working.length > 0) return { held: true, cause: "human-working", agents: working };
  return { held: false };
}

/** "paused by alice: deploying", "a human agent is working", … */
export function describeHold(hold: HoldState): string {
  if (!hold.held) return "not paused";
  switch (hold.cause) {
    case "manual":
      return `paused by ${hold.by}${hold.reason ? `: ${hold.reason}` : ""}${hold.until ? `, ${hold.until}` : ""}`;
    case "unreadable-pause":
      return `the pause file is unreadable (${hold.problem}); run \`manifest spark resume\` to clear it`;
    case "human-working":
      return hold.agents.length === 1 ? "a human agent is working" : `${hold.agents.length} human agents are working`;
    case "watch-only":
      return `watch-only: ${hold.reason}`;
    case "deferred":
      return hold.reason;
  }
}
