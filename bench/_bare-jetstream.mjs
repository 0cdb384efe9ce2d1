// The relay bench's floor, as two processes like the relays on two machines: "publish" sends
// each message it is given (`{ id, data }`) as a JetStream publish and, once the hub has acked
// it, answers with the moment just before the publish; "consume" takes them from a durable
// pull consumer, acks each and reports the moment it had it. Both on the machine's monotonic
// clock, so the two compare.
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { consumeWorkQueue } from "./_jetstream.mjs";
import { monoMs } from "./_lib.mjs";

// The bench gone (finished or crashed): nothing is left running, even mid-start.
process.on("disconnect", () => process.exit(0));
const [role, url] = process.argv.slice(2);
const REPLY_AFTER_MS = 20;
// No stack captured per request, as the relay connects: the floor is the quickest bare client.
const nc = await connect({ servers: url, noAsyncTraces: true });
const js = jetstream(nc);
if (role === "consume") {
  await consumeWorkQueue(nc, {
    stream: "BARE2",
    subjects: ["bare2.>"],
    durable: "bare2",
    callback: (m) => {
      const at = monoMs();
      m.ack();
      process.send({ kind: "consumed", id: m.headers?.get("Nats-Msg-Id"), at });
    },
  });
} else {
  process.on("message", ({ id, data }) => {
    const t0 = monoMs();
    // Answered after the hub's ack, and later still: a message sent now would go out before
    // the publish itself (the client writes to the hub in a microtask), and one sent at the
    // ack would wake the bench as the consumer takes the message. Either slows the floor.
    js.publish("bare2.server-error", Buffer.from(data), { msgID: id }).then(
      () => setTimeout(() => process.send({ kind: "published", id, t0 }), REPLY_AFTER_MS),
      (error) => process.send({ kind: "failed", id, message: error.message }),
    );
  });
}
process.send({ kind: "ready" });
