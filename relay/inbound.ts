/**
 * Inbound: events from the hub into this machine's bus, for its sidecar. The relay pulls from
 * the project's durable consumer (shared by every sidecar machine, so each event goes to one),
 * writes each event atomically into `events/` and only then acks. A relay that dies before the
 * ack lets the hub redeliver after the ack wait; a redelivery of an event this machine already
 * has (in any state) is recognised by its name, acked and not written again.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Consumer, JsMsg } from "@nats-io/jetstream";
import type { BusPaths } from "../bus/paths.js";
import { claimDir } from "../bus/paths.js";
import { readEntries } from "../bus/queue.js";
import { rejectFile } from "../bus/reject.js";
import { ensureBusDirs, FILE_MODE, writeFileAtomic } from "../bus/secure-fs.js";
import { messageToEvent, relayedFrom } from "./event-message.js";
import { relayFaultPoint } from "./fault.js";
import type { Report } from "./records.js";

export interface InboundOptions {
  paths: BusPaths;
  consumerId: string;
  extraKeys: readonly string[];
  /** The hub's consumer while connected, else undefined. */
  consumer(): Consumer | undefined;
  /** Why this machine takes nothing from the hub now (no sidecar here, a pause), or undefined. */
  idleReason(): string | undefined;
  report: Report;
}

export interface Inbound {
  /** Re-check whether to pull (a sidecar came or went, a pause changed, a reconnect). */
  wake(): void;
  stop(): Promise<void>;
  /** Whether it pulls from the hub right now. */
  active(): boolean;
}

/** Whether this machine has the event already, pending, claimed, delivered or set aside. */
export function hasEventLocally(paths: BusPaths, name: string): boolean {
  const places = [paths.events, paths.delivered, paths.rejected, paths.expired];
  if (places.some((dir) => existsSync(join(dir, name)))) return true;
  return readEntries(paths.claimed).some((owner) => existsSync(join(claimDir(paths, owner.name), name)));
}

/** Starts the pull loop. */
export function startInbound(options: InboundOptions): Inbound {
  const { paths, report } = options;
  let stopped = false;
  let active: boolean | undefined;
  let wakeUp: (() => void) | undefined;
  /** The pull in progress: a fetch made just before the link dropped waits for it to come back. */
  let pulling: { stop(): void } | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const setActive = (now: boolean, reason?: string) => {
    if (now === active) return;
    active = now;
    report(now ? { type: "inbound", active: true } : { type: "inbound", active: false, ...(reason ? { reason } : {}) });
  };

  const take = (m: JsMsg) => {
    const checked = messageToEvent(m.headers?.get("Nats-Msg-Id"), m.data, { extraKeys: options.extraKeys });
    if (!checked.ok) {
      // Quarantined here, never retried: the hub is told not to send it again.
      const name = `hub-${m.seq}.json`;
      ensureBusDirs(paths);
      const staged = join(paths.tmp, name);
      writeFileSync(staged, m.data, { mode: FILE_MODE });
      rejectFile(paths, staged, name, `from the hub: ${checked.reason}`, options.consumerId);
      m.term();
      report({ type: "rejected", name, reason: checked.reason, side: "inbound" });
      return;
    }
    const deliveries = m.info.deliveryCount;
    if (hasEventLocally(paths, checked.name)) {
      m.ack();
      report({ type: "duplicate", name: checked.name, deliveries });
      return;
    }
    ensureBusDirs(paths);
    writeFileAtomic(join(paths.events, checked.name), checked.json, paths.tmp);
    relayFaultPoint("after-write");
    m.ack();
    report({ type: "received", name: checked.name, from: relayedFrom(checked.event) ?? "?", deliveries });
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      const idle = options.idleReason();
      const consumer = options.consumer();
      if (idle || !consumer) {
        setActive(false, idle ?? "not connected to the hub");
        await sleep(2000);
        continue;
      }
      setActive(true);
      try {
        const batch = await consumer.fetch({ max_messages: 256, expires: 2000 });
        pulling = batch;
        let checkedAt = performance.now();
        let idleNow = false;
        for await (const m of batch) {
          // A pause (or the sidecar leaving) mid-batch: the rest goes back for someone else.
          // Asked at most every 100 ms: a storm's batches must not read the pause per message.
          if (performance.now() - checkedAt > 100) {
            idleNow = options.idleReason() !== undefined;
            checkedAt = performance.now();
          }
          if (stopped || idleNow) m.nak();
          else take(m);
        }
        pulling = undefined;
        failures = 0;
      } catch (error) {
        if (stopped) break;
        failures++;
        if (failures === 1) report({ type: "error", message: `inbound: ${(error as Error).message}` });
        await sleep(Math.min(5000, 250 * 2 ** failures));
      }
    }
  };
  const done = loop();

  return {
    wake: () => wakeUp?.(),
    active: () => active === true,
    async stop() {
      stopped = true;
      wakeUp?.();
      pulling?.stop();
      await done;
    },
  };
}
