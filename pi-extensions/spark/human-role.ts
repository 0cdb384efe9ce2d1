import { join } from "node:path";
import { diffAgents } from "../../bus/agents-diff.js";
import type { SparkEvent } from "../../bus/event-schema.js";
import { ERROR_EVENT_TYPES } from "../../bus/event-schema.js";
import { formatBatchPrompt } from "../../bus/format/prompt.js";
import { groupEvents } from "../../bus/group.js";
import { readPause } from "../../bus/pause.js";
import { type AgentPresence, liveAgents, localLivenessFacts } from "../../bus/presence.js";
import { ackClaimed, claimBatch, listPending, releaseClaimed } from "../../bus/queue.js";
import { readEventFile } from "../../bus/read-event.js";
import { type FolderWatcher, watchFolders } from "../../bus/watcher.js";
import { DELIVERED_ENTRY, type SparkContext } from "./context.js";
import type { Delivery } from "./delivery.js";
import { batchIntro } from "./instructions.js";
import { type Happening, statusText } from "./status-text.js";

/** The running human role. */
export interface HumanRole {
  /**
   * Claims the pending events and injects them into this session; returns how many. They are
   * acked once Pi has the message (put back if the session ends first).
   */
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

  const observe = () => {
    const happenings: Happening[] = [];
    const facts = localLivenessFacts(config.presence.ttlMs);
    const live = liveAgents(paths, facts).filter((a) => a.id !== s.agentId);
    const diff = diffAgents(agents, live);
    agents = live;
    const pending = listPending(paths);
    const newest = pending.at(-1);
    const pause = readPause(paths, config.pause.staleThresholdMinutes * 60_000);
    const key = pause.kind === "paused" ? (pause.stale ? "stale" : `p:${pause.pause.since}`) : pause.kind;
    if (!first) {
      for (const agent of diff.joined) happenings.push({ kind: "joined", agent });
      for (const agent of diff.left) happenings.push({ kind: "left", agent });
      for (const agent of diff.changed) {
        if (agent.role === "sidecar" && agent.status === "working") happenings.push({ kind: "sidecar-working" });
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
    if (!sidecarAlive && pending.length > 0 && happenings.length === 0 && first) {
      happenings.push({ kind: "pending", count: pending.length });
    }
    newestSeen = newest;
    pauseKey = key;
    first = false;
    const latest = happenings.at(-1);
    if (latest) s.status(statusText(latest));
    if (config.human.autoInject && !sidecarAlive && pending.length > 0 && s.ctx.isIdle()) take();
  };

  const readNewest = (name: string): SparkEvent | undefined => {
    const read = readEventFile(join(paths.events, name), name);
    return read.ok ? read.event : undefined;
  };

  const take = (): number => {
    const { claimed } = claimBatch(paths, s.agentId, { maxEvents: config.batch.maxEvents });
    if (claimed.length === 0) return 0;
    const names = claimed.map((c) => c.name);
    // Join/leave notices are for the sidecar's conversation; here they are just acknowledged.
    const work = claimed
      .filter((c) => c.event.type !== "agent-start" && c.event.type !== "agent-stop")
      .map((c) => c.event);
    if (work.length === 0) {
      ackClaimed(paths, s.agentId, names);
      return 0;
    }
    const content = formatBatchPrompt(groupEvents(work), {
      intro: batchIntro(config.environment, s.profile),
      maxBytes: config.batch.maxMessageBytes,
    });
    const ids = work.map((e) => e.id);
    void delivery.send(content, ids, null).then(
      (accepted) => {
        if (accepted) {
          s.pi.appendEntry(DELIVERED_ENTRY, { ids });
          ackClaimed(paths, s.agentId, names);
        } else {
          releaseClaimed(paths, s.agentId, names);
        }
      },
      (error: unknown) => s.report(error),
    );
    return work.length;
  };

  const guarded = () => {
    try {
      observe();
    } catch (error) {
      s.report(error);
    }
  };
  const watcher: FolderWatcher = watchFolders([paths.events, paths.agents, paths.spark], guarded, {
    backstopMs: config.watcher.backstopMs,
    onError: (error) => s.report(error),
  });
  guarded();

  return {
    take,
    refresh: guarded,
    async stop() {
      delivery.cancelAll();
      await watcher.close();
    },
  };
}
