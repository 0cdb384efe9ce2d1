/**
 * Outbound: this machine's pending events to the hub. The relay is one more consumer of the
 * local bus: it claims events, publishes each with its file name as the message id (many in
 * flight at once), and moves each to `delivered/` as soon as the hub has acked that one. A crash
 * in between leaves the claim; the next relay releases it and publishes again, and the hub's
 * duplicate window drops the copy. Events that came from the hub (marked `relay.from`) stay here
 * for this machine's sidecar.
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
  /** Why events must stay here now (a pause, this machine's sidecar), or undefined; asked often, keep it cheap. */
  holdReason(): string | undefined;
  report: Report;
  /** Publishes in flight at most (default 256); claiming resumes once half of them are acked. */
  inFlight?: number;
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
  const window = options.inFlight ?? 256;
  const fromHub = new Set<string>();
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let heldFor: string | undefined;
  /** Publishes not yet settled, and the ones that failed since the last report. */
  const flying = new Set<Promise<void>>();
  let failed = 0;
  let firstError: unknown;

  const pending = () => listPending(paths).filter((name) => !fromHub.has(name));

  /** Publishes one claimed event; on the hub's ack it moves to `delivered/`, on a failure back to `events/`. */
  const send = (name: string, message: OutboundMessage) => {
    const flight = options.publish(message).then(
      (ack) => {
        relayFaultPoint("after-publish");
        ackClaimed(paths, consumerId, [name]);
        report({ type: "published", name, duplicate: ack.duplicate });
      },
      (error: unknown) => {
        // Back in events/ under the same name: the next pass (a reconnect, the backstop) retries.
        releaseClaimed(paths, consumerId, [name]);
        failed++;
        firstError ??= error;
      },
    );
    const settled = flight
      .catch((error: unknown) => report({ type: "error", message: `outbound: ${(error as Error).message}` }))
      .finally(() => {
        flying.delete(settled);
        if (flying.size === 0 && failed > 0) {
          report({
            type: "publish-failed",
            count: failed,
            message: (firstError as Error)?.message ?? String(firstError),
          });
          failed = 0;
          firstError = undefined;
          return; // no retry until something pokes: a reconnect, a watcher hint, the heartbeat
        }
        // Half the window free: claim more (the pass finds nothing when the storm is over).
        if (flying.size === Math.floor(window / 2)) poke();
      });
    flying.add(settled);
  };

  /** One claim pass; true when it filled the window (there may be more once acks come). */
  const pass = (): boolean => {
    if (!options.connected() || failed > 0) return false;
    const room = window - flying.size;
    if (room < Math.ceil(window / 2)) return false;
    // Still held for the same reason: new files change nothing (whatever ends a hold pokes).
    if (heldFor !== undefined && options.holdReason() === heldFor) return false;
    const names = pending();
    const hold = names.length > 0 ? options.holdReason() : undefined;
    if (hold !== heldFor) {
      if (hold) report({ type: "held", pending: names.length, reason: hold });
      else if (heldFor) report({ type: "unheld" });
      heldFor = hold;
    }
    if (hold || names.length === 0) return false;
    const taken = names.slice(0, room);
    const claim = claimBatch(paths, consumerId, { names: taken, maxEvents: room });
    for (const r of claim.rejected) report({ type: "rejected", name: r.name, reason: r.reason, side: "outbound" });
    const local: string[] = [];
    for (const { name, event } of claim.claimed) {
      if (relayedFrom(event) !== undefined) {
        fromHub.add(name);
        local.push(name);
        continue;
      }
      const mapped = eventToMessage(name, event, options);
      if (mapped.ok) send(name, mapped.message);
      else {
        rejectFile(paths, join(claimDir(paths, consumerId), name), name, mapped.reason, consumerId);
        report({ type: "rejected", name, reason: mapped.reason, side: "outbound" });
      }
    }
    if (local.length > 0) releaseClaimed(paths, consumerId, local);
    // Only local (or rejected) files this time: the rest of the list may be more of them.
    return taken.length === room && flying.size < Math.ceil(window / 2);
  };

  const run = async () => {
    try {
      while (!stopped && pass()) await new Promise<void>((resolve) => setImmediate(resolve));
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
      while (flying.size > 0) await Promise.all(flying);
    },
  };
}
