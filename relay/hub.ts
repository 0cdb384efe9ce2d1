/**
 * The hub's side of a project: its event stream, the sidecars' durable consumer, and the two
 * shared buckets. Created by whichever relay comes first; later ones bind to what exists. The
 * configs are pure functions, so their limits are tested without a server.
 */

import type { ConsumerConfig, StreamConfig } from "@nats-io/jetstream";
import {
  AckPolicy,
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/transport-node";
import { CONSUMER_NAME, PAUSE_BUCKET, PRESENCE_BUCKET, projectSubjects, streamName } from "./names.js";
import type { HubSettings } from "./settings.js";

/** A project's handles on the hub. */
export interface Hub {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  presence: KV;
  pause: KV;
  /** Set when the stream exists with other limits than this machine's config asks (kept as they are). */
  note: string | undefined;
}

/**
 * A work queue: an event acked by a sidecar's relay is gone. Limits bound the hub: a full stream
 * refuses new events (they wait on their machine, where they are safe) instead of dropping old
 * ones; only age removes what nobody took. The duplicate window never outlives the events.
 */
export function streamConfig(
  settings: Pick<HubSettings, "project" | "retention" | "duplicateWindowMs">,
): Partial<StreamConfig> & { name: string } {
  const { maxEvents, maxAgeMs, maxBytes } = settings.retention;
  return {
    name: streamName(settings.project),
    subjects: [projectSubjects(settings.project)],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_msgs: maxEvents,
    max_bytes: maxBytes,
    max_age: nanos(maxAgeMs),
    duplicate_window: nanos(Math.min(settings.duplicateWindowMs, maxAgeMs)),
    num_replicas: 1,
  };
}

/** One durable pull consumer per project, shared by every sidecar machine: each event goes to one. */
export function consumerConfig(settings: Pick<HubSettings, "project" | "ackWaitMs">): Partial<ConsumerConfig> {
  return {
    durable_name: CONSUMER_NAME,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: -1,
    filter_subject: projectSubjects(settings.project),
    max_ack_pending: 1000,
  };
}

/** Creates (or binds to) the project's stream, consumer and the shared buckets. */
export async function openHub(nc: NatsConnection, settings: HubSettings): Promise<Hub> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const js = jetstream(nc, { timeout: 10_000 });
  const wanted = streamConfig(settings);
  let note: string | undefined;
  try {
    await jsm.streams.add(wanted);
  } catch (error) {
    // Another machine made it with other limits: use it as it is, and say so.
    await jsm.streams.info(wanted.name);
    note = `the hub's stream ${wanted.name} was made with other limits than this config asks (${(error as Error).message}); it is used as it is`;
  }
  const consumer = consumerConfig(settings);
  try {
    await jsm.consumers.add(wanted.name, consumer);
  } catch {
    await jsm.consumers.update(wanted.name, CONSUMER_NAME, { ack_wait: consumer.ack_wait }).catch(() => undefined);
  }
  const kvm = new Kvm(js);
  const presence = await kvm.create(PRESENCE_BUCKET, { ttl: settings.presenceTtlMs, history: 1 });
  const pause = await kvm.create(PAUSE_BUCKET, { history: 1 });
  return { nc, js, jsm, presence, pause, note };
}
