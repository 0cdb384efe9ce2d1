import type { AgentPresence } from "./presence.js";

/** What changed between two readings of the live agents. */
export interface AgentsDiff {
  joined: AgentPresence[];
  left: AgentPresence[];
  /** Agents whose status changed (idle ↔ working), with their new record. */
  changed: AgentPresence[];
}

/** Compares two readings of the live agents by id. Pure. */
export function diffAgents(before: readonly AgentPresence[], after: readonly AgentPresence[]): AgentsDiff {
  const old = new Map(before.map((a) => [a.id, a]));
  const now = new Map(after.map((a) => [a.id, a]));
  return {
    joined: after.filter((a) => !old.has(a.id)),
    left: before.filter((a) => !now.has(a.id)),
    changed: after.filter((a) => {
      const previous = old.get(a.id);
      return previous !== undefined && previous.status !== a.status;
    }),
  };
}
