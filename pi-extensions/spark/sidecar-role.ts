import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Batch, type Consumer, type DeliveryOutcome, startConsumer } from "../../bus/consumer.js";
import { describeHold, evaluateHold, type HoldState } from "../../bus/effective-pause.js";
import { parseEventId } from "../../bus/event-name.js";
import type { SparkEvent } from "../../bus/event-schema.js";
import { formatBatchPrompt } from "../../bus/format/prompt.js";
import { groupEvents } from "../../bus/group.js";
import { housekeeping } from "../../bus/housekeeping.js";
import { countEvents } from "../../bus/maintenance.js";
import { readPause } from "../../bus/pause.js";
import { liveAgents, localLivenessFacts } from "../../bus/presence.js";
import { type FolderWatcher, watchFolders } from "../../bus/watcher.js";
import { DELIVERED_ENTRY, MESSAGE_TYPES, type SparkContext } from "./context.js";
import { deliveredIds } from "./delivered-ids.js";
import type { Delivery } from "./delivery.js";
import { faultPoint } from "./fault.js";
import { healthReport } from "./health.js";
import { batchIntro, type Orientation } from "./instructions.js";
import { hasUsableModel } from "./model-check.js";

/** Housekeeping (dead claims, dead agents, .tmp, retention) runs every this many backstop ticks. */
const HOUSEKEEPING_EVERY_TICKS = 15;

const AGENT_EVENTS = new Set(["agent-start", "agent-stop"]);

/** The running sidecar role. */
export interface SidecarRole {
  /** Re-evaluates the pause and delivers held events now (after `resume`, for example). */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * The sidecar: sweeps the bus at start-up and reports its health, then consumes events,
 * holding them while the effective pause says so, and injects one message per batch.
 */
export function startSidecarRole(s: SparkContext, delivery: Delivery): SidecarRole {
  const { pi, ctx, paths, config } = s;
  const startup = housekeeping(paths, config, { startup: true });
  const health = healthReport(startup, countEvents(paths));
  if (health) {
    pi.sendMessage({ customType: MESSAGE_TYPES.health, content: health, display: true });
    s.notify(health.split("\n")[0] ?? health, "info");
  }

  const idleStatus = `⚡ Spark sidecar (${config.environment}, ${s.profile.behavior})`;
  const delivered = deliveredIds(ctx.sessionManager.getEntries());
  let oriented = delivered.size > 0;
  let ticks = 0;

  const hold = (): HoldState => {
    if (!hasUsableModel(ctx.model, ctx.modelRegistry))
      return { held: true, cause: "watch-only", reason: "no model is configured" };
    const facts = localLivenessFacts(config.presence.ttlMs);
    return evaluateHold(readPause(paths, config.pause.staleThresholdMinutes * 60_000), liveAgents(paths, facts));
  };

  const deliver = async (batch: Batch): Promise<DeliveryOutcome> => {
    // Events this session already has (a redelivery after a crash) are acked, not sent again.
    const fresh = batch.claimed.filter((c) => !delivered.has(c.event.id));
    const announcements = fresh.filter((c) => AGENT_EVENTS.has(c.event.type));
    const work = fresh.filter((c) => !AGENT_EVENTS.has(c.event.type)).map((c) => c.event);
    if (work.length > 0) faultPoint("after-claim");
    for (const { event } of announcements) announceAgent(s, event);
    if (work.length > 0) {
      const intro = batchIntro(config.environment, s.profile, oriented ? undefined : orientation(s));
      const content = formatBatchPrompt(groupEvents(work), {
        intro,
        held: batch.held,
        maxBytes: config.batch.maxMessageBytes,
      });
      const accepted = await delivery.send(
        content,
        work.map((e) => e.id),
        batch.held ?? null,
      );
      if (!accepted) return "release";
      oriented = true;
    }
    const ids = fresh.map((c) => c.event.id);
    if (ids.length > 0) {
      pi.appendEntry(DELIVERED_ENTRY, { ids });
      for (const id of ids) delivered.add(id);
    }
    if (work.length > 0) faultPoint("after-inject");
    return "ack";
  };

  const consumer: Consumer = startConsumer({
    paths,
    consumerId: s.agentId,
    debounceMs: config.debounce.windowMs,
    backstopMs: config.watcher.backstopMs,
    maxEvents: config.batch.maxEvents,
    hold,
    describeHold,
    deliver,
    onHeld: (pending, h) => {
      // Join/leave notices wait too, but the count a person cares about is the failures.
      const n = pending.filter(
        (name) => !AGENT_EVENTS.has(parseEventId(name.replace(/\.json$/, ""))?.type ?? ""),
      ).length;
      s.status(`⏸ Spark holding ${n} event${n === 1 ? "" : "s"}: ${describeHold(h)}`);
    },
    onUnheld: () => s.status(idleStatus),
    onError: (error) => s.report(error),
    onTick: () => {
      ticks++;
      if (ticks % HOUSEKEEPING_EVERY_TICKS !== 0) return;
      try {
        housekeeping(paths, config);
      } catch (error) {
        s.report(error);
      }
    },
  });

  // The pause file and presence changes decide when held events go out: rescan on them too
  // (hints only: the consumer's own backstop already rescans).
  const others: FolderWatcher = watchFolders([paths.agents, paths.spark], () => consumer.poke(), {
    backstopMs: 0,
    onError: (error) => s.report(error),
  });

  return {
    poke: () => consumer.poke(),
    async stop() {
      // A message Pi has not taken yet releases its events back to the bus.
      delivery.cancelAll();
      await Promise.all([consumer.stop(), others.close()]);
    },
  };
}

/** Agent joined/left: into the conversation without starting a turn. */
function announceAgent(s: SparkContext, event: SparkEvent): void {
  const agentId = typeof event.agentId === "string" ? event.agentId : undefined;
  const role = typeof event.role === "string" ? event.role : "agent";
  // Our own notices, and those of this process's earlier sidecar instance (before a /reload
  // or /new), are not news.
  if (agentId === s.agentId || (role === "sidecar" && event.source?.pid === process.pid)) return;
  const pid = event.source?.pid;
  const content =
    event.type === "agent-start"
      ? `🤖 ${role === "human" ? "A human Pi session" : "An agent"} joined (pid ${pid}). While it uses write, edit or bash, Spark holds new events.`
      : `👋 ${role === "human" ? "A human Pi session" : "An agent"} left (pid ${pid}).`;
  s.pi.sendMessage(
    { customType: MESSAGE_TYPES.agents, content, display: true, details: { agentId, role, type: event.type } },
    s.ctx.isIdle() ? undefined : { deliverAs: "nextTurn" },
  );
}

function orientation(s: SparkContext): Orientation {
  let skills: string[] = [];
  try {
    skills = s.pi
      .getCommands()
      .filter((c) => c.source === "skill")
      .map((c) => c.name.replace(/^skill:/, ""));
  } catch {
    // Not available in this host: the orientation simply lists no skills.
  }
  return {
    agentsMd: existsSync(join(s.root, "AGENTS.md")),
    manifestMd: existsSync(join(s.root, "MANIFEST.md")),
    skills,
  };
}
