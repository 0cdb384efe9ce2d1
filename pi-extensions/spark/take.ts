import { relative } from "node:path";
import { typeFromFileName } from "../../bus/event-name.js";
import { isAgentNotice, type SparkEvent } from "../../bus/event-schema.js";
import { formatBatchPrompt } from "../../bus/format/prompt.js";
import { groupEvents } from "../../bus/group.js";
import { cleanDeadEntries } from "../../bus/housekeeping.js";
import { ackClaimed, type ClaimedEvent, claimBatch, listPending, releaseClaimed } from "../../bus/queue.js";
import { DELIVERED_ENTRY, type SparkContext } from "./context.js";
import { deliveryKey } from "./delivered-ids.js";
import type { Delivery } from "./delivery.js";
import { attemptsNote, handleFailedDelivery, withAttemptsNote } from "./failed-delivery.js";
import { batchIntro } from "./instructions.js";

/** Pending names that are work: join/leave notices are the sidecar's news, never taken here. */
export function pendingWork(s: SparkContext): string[] {
  return listPending(s.paths).filter((name) => !isAgentNotice(typeFromFileName(name)));
}

/**
 * Sends claimed events to this session as one message. The ids are recorded in the session
 * when Pi takes the message; the events are acked once the agent has answered, put back when
 * the message was not taken, and put back with the failed attempt noted when every run ended in
 * an error first (no model, a provider that is down). Resolves true when they were delivered.
 */
export async function injectClaimed(
  s: SparkContext,
  delivery: Delivery,
  claimed: ClaimedEvent[],
  held?: { since: string; cause: string },
): Promise<boolean> {
  const work: SparkEvent[] = claimed.map((c) => c.event);
  const names = claimed.map((c) => c.name);
  const ids = work.map((e) => e.id);
  const note = attemptsNote(work);
  const content = withAttemptsNote(
    formatBatchPrompt(groupEvents(work), {
      intro: batchIntro(s.config.environment, s.profile),
      held,
      maxBytes: s.config.batch.maxMessageBytes - Buffer.byteLength(note ?? ""),
      deliveredDir: relative(s.root, s.paths.delivered) || s.paths.delivered,
    }),
    note,
  );
  const result = await delivery.send(content, ids, held ?? null, () =>
    setImmediate(() => {
      // The session may have ended this very tick (its pi is stale then): the message itself
      // carries the ids, so nothing is lost by skipping the entry.
      try {
        s.pi.appendEntry(DELIVERED_ENTRY, { ids: work.map(deliveryKey) });
      } catch {}
    }),
  );
  if (result.kind === "delivered") ackClaimed(s.paths, s.agentId, names);
  else if (result.kind === "failed") handleFailedDelivery(s, delivery, names, result);
  else releaseClaimed(s.paths, s.agentId, names);
  return result.kind === "delivered";
}

/**
 * `/spark take`: claims the pending work now and injects it; returns how many events. Claims
 * of dead agents are put back first (and their presence files removed), so what they held is
 * taken too.
 */
export function takeNow(s: SparkContext, delivery: Delivery): number {
  try {
    cleanDeadEntries(s.paths, s.config);
  } catch (error) {
    s.report(error);
  }
  const { claimed } = claimBatch(s.paths, s.agentId, { maxEvents: s.config.batch.maxEvents, names: pendingWork(s) });
  if (claimed.length === 0) return 0;
  void injectClaimed(s, delivery, claimed).catch((error: unknown) => s.report(error));
  return claimed.length;
}
