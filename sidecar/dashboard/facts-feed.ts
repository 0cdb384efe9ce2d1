import type { ApprovalView } from "../../bus/approval-rules.js";
import { listApprovals } from "../../bus/approvals.js";
import type { SparkConfig } from "../../bus/config-schema.js";
import type { HoldState } from "../../bus/effective-pause.js";
import type { BusPaths } from "../../bus/paths.js";
import { listLogFiles, type RunFact, readRuns } from "../../bus/runs.js";
import { ensurePrivateDir } from "../../bus/secure-fs.js";
import { type AgentView, holdSnapshot } from "../../bus/snapshot.js";
import { watchFolders } from "../../bus/watcher.js";
import { failedFirst } from "./side-view.js";

/** The slow-moving facts: who is here, whether Spark holds events and why, the recent runs, what waits for a yes. */
export interface Facts {
  agents: AgentView[];
  hold: HoldState;
  pausedBy: string | undefined;
  runs: RunFact[];
  /** Tool calls waiting for a person's yes. */
  approvals: ApprovalView[];
}

export interface FactsFeed {
  /** Reads the pause and the agents again now (after `p`, for example). */
  refresh(): void;
  /** A process-error event came or moved: the runs are read again on the next refresh. */
  runsChanged(): void;
  close(): Promise<void>;
}

export interface FactsFeedOptions {
  /** Why the sidecar cannot deliver at all (no model): the hold shown whatever else says. */
  watchOnly: boolean;
  /**
   * Ages, liveness (a heartbeat going stale changes no file) and new run logs are looked at
   * this often (default 5000 ms). Nothing else runs on a timer.
   */
  tickMs?: number;
  /** Hints from the agents folder and the pause file are coalesced over this many ms (default 100). */
  coalesceMs?: number;
}

/**
 * Follows `.spark/agents/`, `.spark/pause` and `.spark/approvals/` (watch hints, coalesced) and ticks slowly for
 * what changes without a file event. Calls `onChange` with fresh facts after each look.
 */
export function startFactsFeed(
  paths: BusPaths,
  config: Pick<SparkConfig, "pause" | "presence">,
  options: FactsFeedOptions,
  onChange: (facts: Facts) => void,
  onError: (error: unknown) => void,
): FactsFeed {
  let runs: RunFact[] = [];
  let runsDirty = true;
  let logsSeen = "";
  let hintTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const look = () => {
    if (closed) return;
    try {
      const now = Date.now();
      // A new log, or one written to, changes the listing; events are read only then.
      const logs = listLogFiles(paths)
        .map((l) => `${l.name}:${l.mtimeMs}`)
        .join("|");
      if (runsDirty || logs !== logsSeen) {
        runs = failedFirst(readRuns(paths, now));
        logsSeen = logs;
        runsDirty = false;
      }
      const snap = holdSnapshot(paths, config);
      const hold: HoldState = options.watchOnly ? { held: true, cause: "watch-only", reason: "no model" } : snap.hold;
      const pausedBy = snap.pause.kind === "paused" && !snap.pause.stale ? snap.pause.pause.by : undefined;
      const liveAgentIds = new Set(snap.agents.filter((a) => a.alive).map((a) => a.id));
      const approvals = listApprovals(paths, { now, liveAgentIds }).filter((v) => v.state === "pending");
      onChange({ agents: snap.agents, hold, pausedBy, runs, approvals });
    } catch (error) {
      onError(error);
    }
  };

  // Watched from the start, so the first request is seen at once (not at the next tick).
  ensurePrivateDir(paths.approvals);
  const watcher = watchFolders(
    [paths.agents, paths.spark, paths.approvals],
    () => {
      if (closed || hintTimer) return;
      hintTimer = setTimeout(() => {
        hintTimer = undefined;
        look();
      }, options.coalesceMs ?? 100);
    },
    { backstopMs: 0, onError },
  );
  const tick = setInterval(look, options.tickMs ?? 5000);
  look();

  return {
    refresh: look,
    runsChanged() {
      runsDirty = true;
    },
    async close() {
      closed = true;
      clearInterval(tick);
      if (hintTimer) clearTimeout(hintTimer);
      await watcher.close();
    },
  };
}
