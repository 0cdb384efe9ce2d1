/**
 * Inbound: events from the hub into this machine's bus, for its sidecar. The relay pulls from
 * the project's durable consumer (shared by every sidecar machine, so each event goes to one),
 * writes each event atomically into `events/` and only then acks (the acks of one read from
 * the hub together). A relay that dies before the
 * ack lets the hub redeliver after the ack wait; a redelivery of an event this machine already
 * has (in any state) is recognised by its name, acked and not written again.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type { BusPaths } from "../bus/paths.js";
import { claimDir } from "../bus/paths.js";
import { readEntries } from "../bus/queue.js";
import { readEventFile } from "../bus/read-event.js";
import { rejectFile } from "../bus/reject.js";
import { ensureBusDirs, FILE_MODE } from "../bus/secure-fs.js";
import { type StagedWriter, stagedWriter } from "../bus/staged-writer.js";
import { wakeableSleep } from "../bus/wakeable-sleep.js";
import { messageToEvent, relayedFrom } from "./event-message.js";
import { relayFaultPoint } from "./fault.js";
import type { Report } from "./records.js";

export interface InboundOptions {
  paths: BusPaths;
  consumerId: string;
  /** This machine's name on the hub (what its own outbound puts in `relay.from`). */
  machine: string;
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

/**
 * Whether this machine has the event already, pending, claimed, delivered or set aside. One
 * this machine sent out itself (`sentFromHere`) and finds in `delivered/` is the exception when
 * that file is still the original, without a relay's mark: outbound moved it there on the hub's
 * ack while no sidecar ran here, so nobody has handled it; it comes back because one runs now.
 */
export function hasEventLocally(
  paths: BusPaths,
  name: string,
  claimOwners = listClaimOwners(paths),
  sentFromHere = false,
): boolean {
  const places = [paths.events, paths.rejected, paths.expired];
  if (places.some((dir) => existsSync(join(dir, name)))) return true;
  if (claimOwners.some((owner) => existsSync(join(claimDir(paths, owner), name)))) return true;
  const delivered = join(paths.delivered, name);
  if (!existsSync(delivered)) return false;
  return !sentFromHere || cameThroughHub(delivered, name);
}

/** Whether a delivered file carries a relay's mark (it came from the hub), read as any bus file. */
function cameThroughHub(file: string, name: string): boolean {
  const read = readEventFile(file, name);
  // Unreadable: count it as handled, as before (a doubt must not deliver twice).
  return !read.ok || relayedFrom(read.event) !== undefined;
}

/** The consumers that hold claims here; read once per batch, not per message. */
function listClaimOwners(paths: BusPaths): string[] {
  return readEntries(paths.claimed).map((owner) => owner.name);
}

/** How long a message this relay could not write waits before the hub offers it again. */
const RETRY_WRITE_MS = 1000;

/** Starts the pull loop. */
export function startInbound(options: InboundOptions): Inbound {
  const { paths, report } = options;
  let stopped = false;
  let active: boolean | undefined;
  const { sleep, wake: wakeUp } = wakeableSleep();
  /** The live pull: ended when the link drops, this machine goes idle, or the relay stops. */
  let session: ConsumerMessages | undefined;

  const setActive = (now: boolean, reason?: string) => {
    if (now === active) return;
    active = now;
    report(now ? { type: "inbound", active: true } : { type: "inbound", active: false, ...(reason ? { reason } : {}) });
  };

  /** Quarantined here, never retried: the hub is told not to send it again. */
  const quarantine = (m: JsMsg, reason: string) => {
    const name = `hub-${m.seq}.json`;
    ensureBusDirs(paths);
    const staged = join(paths.tmp, name);
    writeFileSync(staged, m.data, { mode: FILE_MODE });
    rejectFile(paths, staged, name, `from the hub: ${reason}`, options.consumerId);
    m.term();
    report({ type: "rejected", name, reason, side: "inbound" });
  };

  /**
   * The acks of what one read from the hub brought, sent together once the read is over (one
   * write to the hub instead of one per event); the claim owners are read once per read too.
   */
  let acks: JsMsg[] = [];
  /** Writes what the hub brings, with its staged file made ahead (made on the first event). */
  let writer: StagedWriter | undefined;
  let owners: string[] | undefined;
  const ackLater = (m: JsMsg) => {
    acks.push(m);
    if (acks.length === 1) queueMicrotask(flushAcks);
  };
  const flushAcks = () => {
    const now = acks;
    acks = [];
    owners = undefined;
    for (const m of now) m.ack();
  };

  /**
   * One message, as it arrives: written atomically into `events/` (or recognised as one this
   * machine has) at once, its ack sent with the others of the same read. A message that cannot
   * be written goes back to the hub for a later try; the ones after it still land.
   */
  const take = (m: JsMsg) => {
    const deliveries = m.info.deliveryCount;
    try {
      const checked = messageToEvent(m.headers?.get("Nats-Msg-Id"), m.data, { extraKeys: options.extraKeys });
      if (!checked.ok) return quarantine(m, checked.reason);
      owners ??= listClaimOwners(paths);
      const sentFromHere = relayedFrom(checked.event) === options.machine;
      if (hasEventLocally(paths, checked.name, owners, sentFromHere)) {
        ackLater(m);
        report({ type: "duplicate", name: checked.name, deliveries });
        return;
      }
      ensureBusDirs(paths);
      writer ??= stagedWriter(paths.tmp);
      writer.write(join(paths.events, checked.name), checked.json);
      relayFaultPoint("after-write");
      ackLater(m);
      report({ type: "received", name: checked.name, from: relayedFrom(checked.event) ?? "?", deliveries });
    } catch (error) {
      m.nak(RETRY_WRITE_MS);
      report({
        type: "error",
        message: `inbound: could not take message ${m.seq} (${(error as Error).message}); the hub offers it again`,
      });
    }
  };

  let idleCheckedAt = 0;
  let idleNow = false;
  const onMessage = (m: JsMsg) => {
    // A pause (or the sidecar leaving) mid-stream: the rest goes back for someone else.
    // Asked at most every 100 ms: a storm must not read the pause per message.
    if (performance.now() - idleCheckedAt > 100) {
      idleNow = options.idleReason() !== undefined;
      idleCheckedAt = performance.now();
    }
    if (stopped || idleNow) {
      m.nak();
      void session?.close();
      return;
    }
    take(m);
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
        idleNow = false;
        idleCheckedAt = performance.now();
        // One long-lived pull: the hub pushes each event as it comes, and the client asks for
        // more before the last runs out (no fetch round trip on the path of an event).
        const current = await consumer.consume({
          max_messages: 256,
          // A throw must not end the pull: take() reports its own failures.
          callback: (m) => {
            try {
              onMessage(m);
            } catch (error) {
              report({ type: "error", message: `inbound: ${(error as Error).message}` });
            }
          },
        });
        session = current;
        // Until it ends, re-check every wake-up (or 2 s) whether it should.
        let ended = false;
        void current.closed().finally(() => {
          ended = true;
          wakeUp();
        });
        while (!ended && !stopped) {
          await sleep(2000);
          if (options.idleReason() !== undefined || options.consumer() !== consumer) await current.close();
        }
        const closedWith = await current.closed();
        session = undefined;
        if (closedWith instanceof Error && !stopped) throw closedWith;
        failures = 0;
      } catch (error) {
        session = undefined;
        if (stopped) break;
        failures++;
        if (failures === 1) report({ type: "error", message: `inbound: ${(error as Error).message}` });
        await sleep(Math.min(5000, 250 * 2 ** failures));
      }
    }
  };
  const done = loop();

  return {
    wake: () => wakeUp(),
    active: () => active === true,
    async stop() {
      stopped = true;
      wakeUp();
      await session?.close().catch(() => undefined);
      await done;
      writer?.close();
    },
  };
}
