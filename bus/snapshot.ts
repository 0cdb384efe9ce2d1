import type { ApprovalView } from "./approval-rules.js";
import { listApprovals } from "./approvals.js";
import type { SparkConfig } from "./config-schema.js";
import { profileFor } from "./config-schema.js";
import { evaluateHold, type HoldState } from "./effective-pause.js";
import { isPresenceAlive, type LivenessFacts } from "./liveness.js";
import { type BusCounts, countEvents } from "./maintenance.js";
import type { BusPaths } from "./paths.js";
import { type PauseState, readPause } from "./pause.js";
import { type AgentPresence, localLivenessFacts, readAgents } from "./presence.js";
import { readRemoteMachines, remoteAgents } from "./remote-presence.js";

/** One agent as status shows it. */
export interface AgentView extends AgentPresence {
  alive: boolean;
  /**
   * Set for an agent on another machine (mirrored by the relay from the hub): read-only, alive
   * by its heartbeat alone, and never part of this machine's pause or sidecar decisions.
   */
  machine?: string;
}

/** Everything `status`, `doctor` and the dashboard show about the bus, read in one go. */
export interface BusSnapshot {
  enabled: boolean;
  environment: string;
  behavior: string;
  tools: string;
  pause: PauseState;
  hold: HoldState;
  counts: BusCounts;
  /** Every presence file, alive or not (unreadable ones are left out), then other machines' agents. */
  agents: AgentView[];
  /** Presence files that could not be read. */
  badAgentFiles: string[];
  /** The live sidecar, if one is running. */
  sidecar: AgentView | undefined;
  /** Tool calls waiting for a person's yes, and recently answered ones (oldest first). */
  approvals: ApprovalView[];
}

/** The pause, the agents and what they make of the effective pause: the cheap part of a snapshot (no folder counts). */
export type HoldSnapshot = Pick<BusSnapshot, "pause" | "hold" | "agents" | "badAgentFiles" | "sidecar">;

/** Reads the pause file and every presence file, and evaluates the effective pause. */
export function holdSnapshot(
  paths: BusPaths,
  config: Pick<SparkConfig, "pause" | "presence">,
  facts: LivenessFacts = localLivenessFacts(config.presence.ttlMs),
): HoldSnapshot {
  const pause = readPause(paths, config.pause.staleThresholdMinutes * 60_000, facts.now);
  const entries = readAgents(paths);
  const agents: AgentView[] = entries.flatMap((e) =>
    e.ok ? [{ ...e.agent, alive: isPresenceAlive(e.agent, facts) }] : [],
  );
  // Only this machine's agents hold its events or stand in for its sidecar.
  const live = agents.filter((a) => a.alive);
  const remote = remoteAgents(readRemoteMachines(paths), facts.now, facts.ttlMs ?? config.presence.ttlMs);
  return {
    pause,
    hold: evaluateHold(pause, live),
    agents: [...agents, ...remote],
    badAgentFiles: entries.flatMap((e) => (e.ok ? [] : [e.file])),
    sidecar: live.find((a) => a.role === "sidecar"),
  };
}

/** Reads the bus state of a project. */
export function busSnapshot(
  paths: BusPaths,
  config: Pick<SparkConfig, "enabled" | "environment" | "environments" | "pause" | "presence">,
  facts: LivenessFacts = localLivenessFacts(config.presence.ttlMs),
): BusSnapshot {
  const profile = profileFor(config);
  const hold = holdSnapshot(paths, config, facts);
  const liveAgentIds = new Set(hold.agents.filter((a) => a.alive).map((a) => a.id));
  return {
    enabled: config.enabled,
    environment: config.environment,
    behavior: profile.behavior,
    tools: profile.tools,
    ...hold,
    counts: countEvents(paths),
    approvals: listApprovals(paths, { now: facts.now, liveAgentIds }),
  };
}
