import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { type Batch, type Consumer, type DeliveryOutcome, startConsumer } from "../../bus/consumer.js";
import { describeHold, evaluateHold, type HoldState } from "../../bus/effective-pause.js";
import { typeFromFileName } from "../../bus/event-name.js";
import { isAgentNotice, isPeopleNotice } from "../../bus/event-schema.js";
import { formatBatchPrompt } from "../../bus/format/prompt.js";
import { crashRunIds, groupEvents, reportsCrashOf } from "../../bus/group.js";
import { noteHold } from "../../bus/hold-note.js";
import { housekeeping } from "../../bus/housekeeping.js";
import { countEvents } from "../../bus/maintenance.js";
import { readPause } from "../../bus/pause.js";
import { liveAgents, localLivenessFacts } from "../../bus/presence.js";
import { type FolderWatcher, watchFolders } from "../../bus/watcher.js";
import { sessionConsumerOptions } from "./consumer-options.js";
import { DELIVERED_ENTRY, MESSAGE_TYPES, type SparkContext } from "./context.js";
import { deliveredIds, deliveryKey } from "./delivered-ids.js";
import type { Delivery } from "./delivery.js";
import { attemptsNote, handleFailedDelivery, withAttemptsNote } from "./failed-delivery.js";
import { faultPoint } from "./fault.js";
import { healthReport } from "./health.js";
import { batchIntro, type Orientation } from "./instructions.js";
import { hasUsableModel } from "./model-check.js";

/** Housekeeping (dead claims, dead agents, .tmp, retention) runs every this many backstop ticks. */
const HOUSEKEEPING_EVERY_TICKS = 15;

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
  const canDeliver = () => hasUsableModel(ctx.model, ctx.modelRegistry);
  try {
    // Watch-only (no model) holds what is pending for the restart that brings a model.
    const startup = housekeeping(paths, config, { startup: true, watchOnly: !canDeliver() });
    const health = healthReport(startup, countEvents(paths));
    if (health) {
      pi.sendMessage({ customType: MESSAGE_TYPES.health, content: health, display: true });
      s.notify(health.split("\n")[0] ?? health, "info");
    }
  } catch (error) {
    // A sweep that fails (a file it may not touch) must not stop the sidecar from consuming.
    s.report(error);
  }

  const idleStatus = `⚡ Spark sidecar (${config.environment}, ${s.profile.behavior})`;
  const delivered = deliveredIds(ctx.sessionManager.getEntries());
  let oriented = delivered.size > 0;
  /** `manifest run` ids of the crashes this session was sent. */
  const crashRuns = new Set<string>();
  let ticks = 0;

  const watchOnlyNote = holdNoter(s);
  const hold = (): HoldState => {
    if (!canDeliver()) return { held: true, cause: "watch-only", reason: "no model is configured" };
    const facts = localLivenessFacts(config.presence.ttlMs);
    return evaluateHold(readPause(paths, config.pause.staleThresholdMinutes * 60_000), liveAgents(paths, facts));
  };

  const remember = (ids: string[]) => {
    if (ids.length === 0) return;
    pi.appendEntry(DELIVERED_ENTRY, { ids });
    for (const id of ids) delivered.add(id);
  };

  const deliver = async (batch: Batch): Promise<DeliveryOutcome> => {
    // Events this session already has (a redelivery after a crash) are acked, not sent again.
    // Join/leave notices are presence, which is state, not news: acked, never sent (a backlog
    // of them, or a note about this sidecar's own previous run, is noise to the agent).
    // A run's report that comes after its crash went out is that same crash: acked, not sent.
    // Notifications for the people watching are the dashboards' news: acked, never a turn.
    const sent = batch.claimed.filter(
      (c) =>
        !delivered.has(deliveryKey(c.event)) &&
        !isAgentNotice(c.event.type) &&
        !isPeopleNotice(c.event) &&
        !reportsCrashOf(c.event, crashRuns),
    );
    const work = sent.map((c) => c.event);
    if (work.length === 0) return "ack";
    for (const run of crashRunIds(work)) crashRuns.add(run);
    faultPoint("after-claim");
    const note = attemptsNote(work);
    const content = withAttemptsNote(
      formatBatchPrompt(groupEvents(work), {
        intro: batchIntro(config.environment, s.profile, oriented ? undefined : orientation(s)),
        held: batch.held,
        maxBytes: config.batch.maxMessageBytes - Buffer.byteLength(note ?? ""),
        deliveredDir: relative(s.root, paths.delivered) || paths.delivered,
      }),
      note,
    );
    const ids = work.map((e) => e.id);
    // The ids go into the session when the message does (Pi writes both, or neither): after
    // a crash, a redelivery is recognised by them. The ack waits for the end of the run.
    const result = await delivery.send(content, ids, batch.held ?? null, () =>
      // Pi writes the message right after the message_end handlers: the ids entry goes after
      // it, so a file never holds the ids of a message it lacks (a crash between the two is
      // still recognised: the message itself carries its ids).
      setImmediate(() => {
        // The session may have ended this very tick (its pi is stale then): the message itself
        // carries the ids, so nothing is lost by skipping the entry.
        try {
          remember(work.map(deliveryKey));
        } catch {
          return;
        }
        faultPoint("after-inject");
      }),
    );
    if (result.kind === "not-taken") return "release";
    if (result.kind === "failed") {
      // Never acked: back to the queue with the attempt noted (the consumer finds nothing left).
      // The noted attempt changes their delivery key: they are sent again, not skipped.
      const names = sent.map((c) => c.name);
      handleFailedDelivery(s, delivery, names, result);
      return "release";
    }
    oriented = true;
    return "ack";
  };

  const consumer: Consumer = startConsumer({
    ...sessionConsumerOptions(s, delivery),
    hold,
    deliver,
    onHeld: (pending, h) => {
      if (h.held && h.cause === "watch-only") watchOnlyNote.touch(h.reason);
      // Join/leave notices wait too, but the count a person cares about is the failures.
      const n = pending.filter((name) => !isAgentNotice(typeFromFileName(name))).length;
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
      watchOnlyNote.flush();
      await Promise.all([consumer.stop(), others.close()]);
    },
  };
}

/**
 * Keeps `.spark/held` current while this sidecar holds events it cannot deliver: written at
 * most every few seconds while holding, and once more when the sidecar stops.
 */
function holdNoter(s: SparkContext): { touch(reason: string): void; flush(): void } {
  const everyMs = s.config.presence.heartbeatMs;
  let last = 0;
  let reason: string | undefined;
  const write = () => {
    if (reason === undefined) return;
    try {
      noteHold(s.paths, { cause: "watch-only", reason, by: s.agentId });
      last = Date.now();
    } catch (error) {
      s.report(error);
    }
  };
  return {
    touch(why) {
      reason = why;
      if (Date.now() - last >= everyMs) write();
    },
    flush: write,
  };
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
