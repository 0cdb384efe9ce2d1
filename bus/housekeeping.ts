import type { SparkConfig } from "./config-schema.js";
import { evaluateHold } from "./effective-pause.js";
import { clearHoldNote, type HoldNote, readHoldNote } from "./hold-note.js";
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
  /** The stale pause (or the pause of a rebase that is over) that was cleared, if any. */
  clearedStalePause: Extract<PauseState, { kind: "paused" }> | undefined;
  /** The note of a watch-only hold this start-up ended: its events were kept, not expired. */
  endedHold?: HoldNote | undefined;
  /** Names of pending events moved to `expired/` because they were too old. */
  expired: string[];
  /** Leftover staged files removed from `.tmp/`. */
  sweptTmp: number;
  /** Old entries removed by retention. */
  pruned: number;
}

type Knobs = Pick<SparkConfig, "pause" | "events" | "retention" | "presence">;

/** What `cleanDeadEntries` removed or put back. */
export interface DeadEntriesReport {
  /** Events put back from claims whose owner is dead. */
  released: number;
  /** Presence files of dead agents that were removed. */
  removedAgents: string[];
  /** The pause of a git rebase that is over (finished or aborted), which was removed. */
  clearedPause: Extract<PauseState, { kind: "paused" }> | undefined;
}

/**
 * What whoever finds it cleans (the sidecar, `spark status`, a person's `/spark take`): claims
 * of dead consumers go back to `events/`, presence files of dead agents go, and so does the
 * pause of a rebase that is over (an aborted rebase runs no hook: the state folder is gone).
 */
export function cleanDeadEntries(
  paths: BusPaths,
  config: Pick<SparkConfig, "pause" | "presence">,
  facts: LivenessFacts = localLivenessFacts(config.presence.ttlMs),
): DeadEntriesReport {
  const released = releaseDeadClaims(paths, consumerAliveCheck(paths, facts));
  const removedAgents = removeDeadAgents(paths, facts);
  const pause = readPause(paths, config.pause.staleThresholdMinutes * MINUTE, facts.now);
  const over = pause.kind === "paused" && pause.waitsFor !== undefined && !pause.waitsFor.inProgress;
  const clearedPause = over && clearPause(paths, { onlyBy: pause.pause.by }) ? pause : undefined;
  return { released, removedAgents, clearedPause };
}

/**
 * The periodic sweep: release dead claims, remove dead agents, sweep `.tmp/`, apply
 * retention, clear the pause of a rebase that is over. With `startup`, also clear a stale
 * pause and expire old pending events (the protocol does those at a consumer's start only).
 * `watchOnly`: the consumer starting cannot deliver, so it holds what is pending (no expiry).
 */
export function housekeeping(
  paths: BusPaths,
  config: Knobs,
  options: { startup?: boolean; facts?: LivenessFacts; watchOnly?: boolean } = {},
): HousekeepingReport {
  const facts = options.facts ?? localLivenessFacts(config.presence.ttlMs);
  const { released, removedAgents, clearedPause } = cleanDeadEntries(paths, config, facts);
  let clearedStalePause = clearedPause;
  let endedHold: HoldNote | undefined;
  let expired: string[] = [];
  if (options.startup) {
    const pause = readPause(paths, config.pause.staleThresholdMinutes * MINUTE, facts.now);
    if (pause.kind === "paused" && pause.stale && clearPause(paths, { onlyBy: pause.pause.by })) {
      clearedStalePause = pause;
    }
    // Events held by a pause (or a working human, or a consumer that cannot deliver) are
    // waiting on purpose: they are delivered when the hold ends, not expired by a restart.
    const held =
      options.watchOnly === true ||
      evaluateHold(readPause(paths, config.pause.staleThresholdMinutes * MINUTE, facts.now), liveAgents(paths, facts))
        .held;
    const note = readHoldNote(paths);
    // 0 turns expiry off.
    if (config.events.expireMinutes > 0 && !held) {
      const heldUntil = note ? Date.parse(note.until) : undefined;
      expired = expirePending(paths, config.events.expireMinutes * MINUTE, facts.now, heldUntil);
    }
    if (note && !held && clearHoldNote(paths)) endedHold = note;
  }
  const sweptTmp = sweepTmp(paths, undefined, facts.now);
  const pruned = applyRetention(paths, {
    maxFiles: config.retention.maxFiles,
    maxAgeMs: config.retention.maxAgeDays * 24 * 60 * MINUTE,
    now: facts.now,
  });
  return { released, removedAgents, clearedStalePause, endedHold, expired, sweptTmp, pruned };
}
