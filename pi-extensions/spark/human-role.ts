import { join } from "node:path";
import { diffAgents } from "../../bus/agents-diff.js";
import type { Consumer } from "../../bus/consumer.js";
import { ERROR_EVENT_TYPES, type SparkEvent } from "../../bus/event-schema.js";
import { readPause } from "../../bus/pause.js";
import { type AgentPresence, liveAgents, localLivenessFacts } from "../../bus/presence.js";
import { readEventFile } from "../../bus/read-event.js";
import { type FolderWatcher, watchFolders } from "../../bus/watcher.js";
import { startAutoInject } from "./auto-inject.js";
import type { SparkContext } from "./context.js";
import type { Delivery } from "./delivery.js";
import { type Happening, statusText } from "./status-text.js";
import { pendingWork, takeNow } from "./take.js";

/** The running human role. */
export interface HumanRole {
  /** Claims the pending events and injects them into this session; returns how many. */
  take(): number;
  /** Looks at the bus again now. */
  refresh(): void;
  stop(): Promise<void>;
}

/**
 * A person's Pi session: never claims on its own (unless `human.autoInject` is on and no
 * sidecar is alive); keeps an ambient status line about what Spark sees.
 */
export function startHumanRole(s: SparkContext, delivery: Delivery): HumanRole {
  const { paths, config } = s;
  let agents: AgentPresence[] = [];
  let newestSeen: string | undefined;
  let pauseKey = "none";
  let first = true;
  // The end of the sidecar's last run seen, by agent: a newer one is news.
  const runsSeen = new Map<string, string>();

  const observe = () => {
    const happenings: Happening[] = [];
    const live = liveAgents(paths, localLivenessFacts(config.presence.ttlMs)).filter((a) => a.id !== s.agentId);
    const diff = diffAgents(agents, live);
    agents = live;
    const pending = pendingWork(s);
    const newest = pending.at(-1);
    const pause = readPause(paths, config.pause.staleThresholdMinutes * 60_000);
    const key = pause.kind === "paused" ? (pause.stale ? "stale" : `p:${pause.pause.since}`) : pause.kind;
    if (!first) {
      for (const agent of diff.joined) happenings.push({ kind: "joined", agent });
      for (const agent of diff.left) happenings.push({ kind: "left", agent });
      for (const agent of diff.changed) {
        if (agent.role === "sidecar" && agent.status === "working") happenings.push({ kind: "sidecar-working" });
      }
      for (const agent of live) {
        const run = agent.role === "sidecar" ? agent.lastRun : undefined;
        if (run && runsSeen.get(agent.id) !== run.endedAt) happenings.push({ kind: "ended", run });
      }
      if (newest !== undefined && newest !== newestSeen) {
        const event = readNewest(newest);
        if (event && ERROR_EVENT_TYPES.has(event.type)) happenings.push({ kind: "caught", event });
      }
    }
    if (key !== pauseKey) {
      if (pause.kind === "paused" && !pause.stale) {
        happenings.push({ kind: "paused", reason: pause.pause.reason, by: pause.pause.by });
      } else if (!first) happenings.push({ kind: "resumed" });
    }
    const sidecarAlive = live.some((a) => a.role === "sidecar");
    if (first && !sidecarAlive && pending.length > 0 && happenings.length === 0) {
      happenings.push({ kind: "pending", count: pending.length });
    }
    for (const agent of live) if (agent.lastRun) runsSeen.set(agent.id, agent.lastRun.endedAt);
    newestSeen = newest;
    pauseKey = key;
    first = false;
    const latest = happenings.at(-1);
    if (latest) s.status(statusText(latest));
  };

  const readNewest = (name: string): SparkEvent | undefined => {
    const read = readEventFile(join(paths.events, name), name);
    return read.ok ? read.event : undefined;
  };

  // Called once per burst of hints (watchFolders coalesces them), after a pause command, and
  // when the agent's run ends.
  let auto: Consumer | undefined;
  const refresh = () => {
    auto?.poke();
    try {
      observe();
    } catch (error) {
      s.report(error);
    }
  };
  const watcher: FolderWatcher = watchFolders([paths.events, paths.agents, paths.spark], refresh, {
    backstopMs: config.watcher.backstopMs,
    onError: (error) => s.report(error),
  });
  // The first look is immediate: what is pending now is the baseline for "Spark caught …".
  refresh();
  if (config.human.autoInject) auto = startAutoInject(s, delivery);

  return {
    take: () => takeNow(s, delivery),
    refresh,
    async stop() {
      delivery.cancelAll();
      await Promise.all([watcher.close(), auto?.stop()]);
    },
  };
}
