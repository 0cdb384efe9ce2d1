// The bench's bare JetStream side: a work-queue stream with one durable pull consumer, the
// shape every floor and the bare relay use.
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from "@nats-io/jetstream";

/**
 * Makes stream `stream` (work queue, `subjects`) and its durable consumer `durable` on `nc`,
 * and calls `callback(message)` for each message until the returned messages are stopped.
 */
export async function consumeWorkQueue(nc, { stream, subjects, durable, callback }) {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects, retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit });
  return (await jetstream(nc).consumers.get(stream, durable)).consume({ callback });
}
