/**
 * Outbound: this machine's pending events to the hub. The relay is one more consumer of the
 * local bus: it claims a batch, publishes each event with its file name as the message id,
 * and moves each to `delivered/` once the hub has acked it. A crash in between leaves the claim;
 * the next relay releases it and publishes again, and the hub's duplicate window drops the copy.
 * Events that came from the hub (marked `relay.from`) stay here for this machine's sidecar.
 */
import { join } from "node:path";
import type { BusPaths } from "../bus/paths.js";
import { claimDir } from "../bus/paths.js";
import { ackClaimed, claimBatch, listPending, releaseClaimed } from "../bus/queue.js";
import { rejectFile } from "../bus/reject.js";
import { eventToMessage, type OutboundMessage, relayedFrom } from "./event-message.js";
import { relayFaultPoint } from "./fault.js";
import type { Report } from "./records.js";

export interface OutboundOptions {
  paths: BusPaths;
  consumerId: string;
  project: string;
  machine: string;
  extraKeys: readonly string[];
  /** Publishes one message; resolves on the hub's ack, throws when there is none. */
  publish(message: OutboundMessage): Promise<{ duplicate: boolean }>;
  /** Whether the hub is connected now. */
  connected(): boolean;
  /** Why events must stay here now (a pause, this machine's sidecar), or undefined. */
  holdReason(): string | undefined;
  report: Report;
  /** Events per batch (default 256): one claim pass, published concurrently. */
  batchSize?: number;
}

export interface Outbound {
  /** Look for pending events now (a watcher hint, a reconnect, the end of a pause). */
  poke(): void;
  /** Waits for the batch in flight, then stops. */
  stop(): Promise<void>;
}

/** Starts forwarding; nothing happens until `poke`. */
export function startOutbound(options: OutboundOptions): Outbound {
  const { paths, consumerId, report } = options;
  const batchSize = options.batchSize ?? 256;
  const fromHub = new Set<string>();
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let heldFor: string | undefined;

  const pending = () => listPending(paths).filter((name) => !fromHub.has(name));

  /** One batch; true when a full batch went out (there may be more). */
  const batch = async (): Promise<boolean> => {
    if (!options.connected()) return false;
    const names = pending();
    const hold = names.length > 0 ? options.holdReason() : undefined;
    if (hold !== heldFor) {
      if (hold) report({ type: "held", pending: names.length, reason: hold });
      else if (heldFor) report({ type: "unheld" });
      heldFor = hold;
    }
    if (hold || names.length === 0) return false;
    const taken = names.slice(0, batchSize);
    const claim = claimBatch(paths, consumerId, { names: taken, maxEvents: batchSize });
    for (const r of claim.rejected) report({ type: "rejected", name: r.name, reason: r.reason, side: "outbound" });
    const local: string[] = [];
    const sending: Array<{ name: string; message: OutboundMessage }> = [];
    for (const { name, event } of claim.claimed) {
      if (relayedFrom(event) !== undefined) {
        fromHub.add(name);
        local.push(name);
        continue;
      }
      const mapped = eventToMessage(name, event, options);
      if (mapped.ok) sending.push({ name, message: mapped.message });
      else {
        rejectFile(paths, join(claimDir(paths, consumerId), name), name, mapped.reason, consumerId);
        report({ type: "rejected", name, reason: mapped.reason, side: "outbound" });
      }
    }
    if (local.length > 0) releaseClaimed(paths, consumerId, local);
    const results = await Promise.allSettled(sending.map((s) => options.publish(s.message)));
    const failed: string[] = [];
    let firstError: unknown;
    for (const [i, result] of results.entries()) {
      const { name } = sending[i] as { name: string };
      if (result.status === "rejected") {
        failed.push(name);
        firstError ??= result.reason;
        continue;
      }
      relayFaultPoint("after-publish");
      ackClaimed(paths, consumerId, [name]);
      report({ type: "published", name, duplicate: result.value.duplicate });
    }
    if (failed.length > 0) {
      // Back in events/ under the same names: the next pass (a reconnect, the backstop) retries.
      releaseClaimed(paths, consumerId, failed);
      report({
        type: "publish-failed",
        count: failed.length,
        message: (firstError as Error)?.message ?? String(firstError),
      });
      return false;
    }
    return taken.length === batchSize;
  };

  const run = async () => {
    try {
      while (!stopped && (await batch()));
    } catch (error) {
      report({ type: "error", message: `outbound: ${(error as Error).message}` });
    }
  };

  const poke = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        setImmediate(poke);
      }
    });
  };

  return {
    poke,
    async stop() {
      stopped = true;
      await running;
    },
  };
}
