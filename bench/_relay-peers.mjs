// The relay bench's other processes and its bookkeeping: the app that emits, the floor's
// bare JetStream publisher and consumer (two processes, and the same-process floor), the two
// sides of the bare relay, and the board where arrivals are marked and awaited.
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { buildEvent } from "../dist/bus.js";
import { consumeWorkQueue } from "./_jetstream.mjs";
import { forkChild, monoMs, nextMessage, REPO_ROOT, waitFor } from "./_lib.mjs";

const APP = fileURLToPath(new URL("./_relay-app.mjs", import.meta.url));
const BARE_PEER = fileURLToPath(new URL("./_bare-jetstream.mjs", import.meta.url));
const BARE_RELAY = fileURLToPath(new URL("./_bare-relay.mjs", import.meta.url));

/** How long one sample may wait for its event before it counts as a miss. */
export const SAMPLE_TIMEOUT_MS = 5_000;
/** The writer the bench process emits as (the same-process local bus). */
export const benchWriter = { environment: "bench", host: hostname(), pid: process.pid, app: "bench" };
/** The error every latency sample carries. */
export const sampleEvent = () => ({
  type: "server-error",
  route: "POST /orders",
  status: 500,
  error: new Error("relay bench"),
});

/**
 * When each named thing arrived (a file at C's consumer, a message at the floor's consumer):
 * `when` waits for one without polling, so the waiting process sleeps as a sidecar does.
 */
export function arrivalBoard() {
  const at = new Map();
  const waiters = new Map();
  return {
    mark(key, time) {
      if (at.has(key)) return;
      at.set(key, time);
      waiters.get(key)?.(time);
      waiters.delete(key);
    },
    has: (key) => at.has(key),
    get: (key) => at.get(key),
    /** The arrival time of `key`, or undefined after `timeoutMs`. */
    when(key, timeoutMs) {
      if (at.has(key)) return Promise.resolve(at.get(key));
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(key);
          resolve(undefined);
        }, timeoutMs);
        waiters.set(key, (time) => {
          clearTimeout(timer);
          resolve(time);
        });
      });
    },
  };
}

/**
 * The app that emits, the floor's publisher and consumer, and the two sides of the bare
 * relay: each a process of its own.
 */
export async function startPeers(url, { bareRelayFrom, bareRelayTo }) {
  const forked = [];
  /** Why a peer is gone, once one is: every later sample throws it. */
  let gone;
  const fork = (path, args) => {
    const { child } = forkChild(path, args, { cwd: REPO_ROOT });
    child.once("exit", (code, signal) => {
      gone ??= new Error(`the bench's ${args[0] ?? "app"} process ended (${signal ?? code})`);
    });
    forked.push(child);
    return { child, ready: nextMessage(child, (x) => x?.kind === "ready", 30_000) };
  };
  const stop = () => {
    for (const child of forked) child.kill();
  };
  let consumer;
  let publisher;
  let app;
  try {
    consumer = fork(BARE_PEER, ["consume", url]);
    await consumer.ready; // it makes the stream the publisher sends to
    publisher = fork(BARE_PEER, ["publish", url]);
    app = fork(APP, []);
    const bareIn = fork(BARE_RELAY, ["in", bareRelayTo, url]);
    await bareIn.ready; // it makes the stream the bare relay's other side sends to
    const bareOut = fork(BARE_RELAY, ["out", bareRelayFrom, url]);
    await Promise.all([publisher.ready, app.ready, bareOut.ready]);
  } catch (error) {
    stop();
    throw error;
  }
  const consumed = arrivalBoard();
  consumer.child.on("message", (x) => x?.kind === "consumed" && consumed.mark(x.id, x.at));
  let n = 0;
  const data = buildEvent(sampleEvent(), benchWriter).json;
  const assertAlive = () => {
    if (gone) throw gone;
  };
  return {
    app: app.child,
    assertAlive,
    /** One bare publish → consume between the two processes, in ms (undefined on a timeout). */
    async floorSample() {
      assertAlive();
      const id = `floor-${++n}.json`;
      publisher.child.send({ id, data });
      const { kind, t0, message } = await nextMessage(publisher.child, (x) => x?.id === id, SAMPLE_TIMEOUT_MS * 2);
      if (kind === "failed") throw new Error(`the floor's publish failed: ${message}`);
      const at = await consumed.when(id, SAMPLE_TIMEOUT_MS);
      return at === undefined ? undefined : at - t0;
    },
    stop,
  };
}

/** The floor: a work-queue stream and a durable pull consumer on the hub, used the bare way. */
export async function bareJetStream(url) {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const js = jetstream(nc);
  const arrived = arrivalBoard();
  const messages = await consumeWorkQueue(nc, {
    stream: "BARE",
    subjects: ["bare.>"],
    durable: "bare",
    callback: (m) => {
      arrived.mark(m.headers?.get("Nats-Msg-Id") ?? "", monoMs());
      m.ack();
    },
  });
  const payload = () => {
    const built = buildEvent(sampleEvent(), benchWriter);
    return { id: `${built.event.id}.json`, data: new TextEncoder().encode(built.json) };
  };
  return {
    async sample() {
      const { id, data } = payload();
      const t0 = monoMs();
      const acked = js.publish("bare.server-error", data, { msgID: id });
      const at = await arrived.when(id, SAMPLE_TIMEOUT_MS);
      await acked;
      return at === undefined ? undefined : at - t0;
    },
    async storm(total) {
      const messages = Array.from({ length: total }, payload);
      const t0 = monoMs();
      for (let i = 0; i < total; i += 256) {
        await Promise.all(
          messages.slice(i, i + 256).map((m) => js.publish("bare.server-error", m.data, { msgID: m.id })),
        );
      }
      await waitFor(() => messages.every((m) => arrived.has(m.id)), { timeoutMs: 300_000, everyMs: 20 });
      return Math.max(...messages.map((m) => arrived.get(m.id))) - t0;
    },
    async close() {
      messages.stop();
      await nc.close();
    },
  };
}
