/**
 * Reads what the hub holds about every Spark project on it, without creating anything: a hub
 * no relay has used yet has no streams or buckets, and that is an answer, not an error.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { type MachineRecord, parseMachineRecord } from "../bus/remote-presence.js";
import type { FleetFacts } from "./fleet-view.js";
import { CONSUMER_NAME, PAUSE_BUCKET, PRESENCE_BUCKET, parsePresenceKey, projectOfStream } from "./names.js";

/** Everything `fleetReport` needs, read from the hub behind `nc`. */
export async function readFleet(nc: NatsConnection, hub: string): Promise<FleetFacts> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const streams: FleetFacts["streams"] = [];
  for await (const info of jsm.streams.list()) {
    const project = projectOfStream(info.config.name);
    if (!project) continue;
    const consumer = await jsm.consumers.info(info.config.name, CONSUMER_NAME).catch(() => undefined);
    streams.push({
      project,
      messages: info.state.messages,
      waiting: consumer ? consumer.num_pending : null,
      inFlight: consumer ? consumer.num_ack_pending : null,
    });
  }
  const kvm = new Kvm(jetstream(nc, { timeout: 10_000 }));
  const presence = await openBucket(kvm, PRESENCE_BUCKET);
  const machines: MachineRecord[] = [];
  if (presence) {
    for (const key of await distinctKeys(presence)) {
      const where = parsePresenceKey(key);
      const entry = where ? await presence.get(key) : null;
      if (!where || !entry || entry.operation !== "PUT") continue;
      const parsed = parseMachineRecord(entry.value);
      // A record that does not parse is not shown as a machine: it did not come from a relay.
      if (parsed.ok && parsed.record.project === where.project) machines.push(parsed.record);
    }
  }
  const pause = await openBucket(kvm, PAUSE_BUCKET);
  const pauses = new Map<string, Uint8Array>();
  if (pause) {
    for (const key of await distinctKeys(pause)) {
      const entry = await pause.get(key);
      if (entry?.operation === "PUT") pauses.set(key, entry.value);
    }
  }
  return { hub, streams, machines, pauses };
}

/**
 * A bucket's keys, each once: the client's listing also yields a key again when it is written
 * while the list is read (a relay's heartbeat), which showed a machine twice.
 */
async function distinctKeys(kv: KV): Promise<string[]> {
  const keys = new Set<string>();
  for await (const key of await kv.keys()) keys.add(key);
  return [...keys];
}

async function openBucket(kvm: Kvm, name: string): Promise<KV | undefined> {
  try {
    const kv = await kvm.open(name);
    await kv.status(); // open() binds lazily: this is what fails for a bucket that does not exist
    return kv;
  } catch {
    return undefined;
  }
}
