import type { SparkConfig } from "./config-schema.js";
import { evaluateHold } from "./effective-pause.js";
import type { LivenessFacts } from "./liveness.js";
import { applyRetention, expirePending, sweepTmp } from "./maintenance.js";
import type { BusPaths } from "./paths.js";
import { clearPause, type PauseState, readPause } from "./pause.js";
import { consumerAliveCheck, liveAgents, localLivenessFacts, removeDeadAgents } from "./presence.js";
import { releaseDeadClaims } from "./queue.js";

const MINUTE = 60_000;

/** What the start-up sweep found and did; consumers report it, never hide it. */
export interface HousekeepingReport {
  /** Events put back from claims whose owner is dead. */
  released: number;
  /** Presence files of dead agents that were removed. */
  removedAgents: string[];
  /** The stale pause that was cleared, if any. */
  clearedStalePause: Extract<PauseState, { kind: "paused" }> | undefined;
  /** Names of pending events moved to `expired/` because they were too old. */
  expired: string[];
  /** Leftover staged files removed from `.tmp/`. */
  sweptTmp: number;
  /** Old entries removed by retention. */
  pruned: number;
}

type Knobs = Pick<SparkConfig, "pause" | "events" | "retention" | "presence">;

/**
 * The periodic sweep: release dead claims, remove dead agents, sweep `.tmp/`, apply
 * retention. With `startup`, also clear a stale pause and expire old pending events (the
 * protocol does those at a consumer's start only).
 */
export function housekeeping(
  paths: BusPaths,
  config: Knobs,
  options: { startup?: boolean; facts?: LivenessFacts } = {},
): HousekeepingReport {
  const facts = options.facts ?? localLivenessFacts(config.presence.ttlMs);
  const released = releaseDeadClaims(paths, consumerAliveCheck(paths, facts));
  const removedAgents = removeDeadAgents(paths, facts);
  let clearedStalePause: HousekeepingReport["clearedStalePause"];
  let expired: string[] = [];
  if (options.startup) {
    const pause = readPause(paths, config.pause.staleThresholdMinutes * MINUTE, facts.now);
    if (pause.kind === "paused" && pause.stale && clearPause(paths, { onlyBy: pause.pause.by })) {
      clearedStalePause = pause;
    }
    // Events held by a pause (or a working human) are waiting on purpose: they are delivered
    // with a held-since note when the hold ends, not expired by a restart meanwhile.
    const held = evaluateHold(
      readPause(paths, config.pause.staleThresholdMinutes * MINUTE, facts.now),
      liveAgents(paths, facts),
    ).held;
    // 0 turns expiry off.
    if (config.events.expireMinutes > 0 && !held) {
      expired = expirePending(paths, config.events.expireMinutes * MINUTE, facts.now);
    }
  }
  const sweptTmp = sweepTmp(paths, undefined, facts.now);
  const pruned = applyRetention(paths, {
    maxFiles: config.retention.maxFiles,
    maxAgeMs: config.retention.maxAgeDays * 24 * 60 * MINUTE,
    now: facts.now,
  });
  return { released, removedAgents, clearedStalePause, expired, sweptTmp, pruned };
}
