// The relay: many machines, one bus, through a real `nats-server` on loopback. Three temp
// projects with `manifest relay` each (the built CLI): A and B emit, C has a sidecar stand-in
// (the bus's consumer under a live sidecar presence in this process).
// Latency: emit on A → C's consumer told, vs the floor: a bare JetStream publish → consume on
// the same hub, in this process. The issue's target is 2× the floor plus the local watcher's
// latency: emit on C → told on C, the bus without the relay, measured in the same rotation.
// Storm: 10,000 events from writer processes on A and B until C has taken every one (exactly
// once, or it throws), vs 10,000 bare publishes (acked, 256 in flight) consumed and acked.
// Idle: each relay's CPU over a quiet stretch, vs a bare NATS client connected and idle.
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { buildEvent, emitEvent } from "../dist/bus.js";
import { forkChild, median, nextMessage, now, percentile, REPO_ROOT, result, sleep, waitFor } from "./_lib.mjs";
import { cpuMs, hasNatsServer, machine, sidecarStandIn, startHub, startRelay } from "./_relay-fleet.mjs";

export const name = "relay";

const WRITER = fileURLToPath(new URL("./_storm-writer.mjs", import.meta.url));
const SAMPLE_TIMEOUT_MS = 5_000;
const writer = { environment: "bench", host: hostname(), pid: process.pid, app: "bench" };
const sampleEvent = () => ({
  type: "server-error",
  route: "POST /orders",
  status: 500,
  error: new Error("relay bench"),
});

export async function run(ctx) {
  if (!hasNatsServer()) {
    ctx.log("relay: skipped, nats-server is not installed (apt-get install nats-server)");
    return [];
  }
  const samples = ctx.quick ? 40 : 200;
  const stormTotal = ctx.quick ? 2_000 : 10_000;
  const idleMs = ctx.quick ? 5_000 : 20_000;

  const hub = await startHub();
  const [a, b, c] = ["a", "b", "c"].map((n) => machine(n, hub.url));
  const arrived = new Map();
  let deliveries = 0;
  const sidecar = sidecarStandIn(c, (file, at) => {
    deliveries++;
    if (!arrived.has(file)) arrived.set(file, at);
  });
  const relays = [a, b, c].map(startRelay);
  const bare = await bareJetStream(hub.url);
  try {
    await Promise.all(relays.map((r) => r.waitFor("connected")));
    await relays[2].waitFor("inbound:true");

    // ── Latency ─────────────────────────────────────────────────────────────────
    const times = { relay: [], bare: [], local: [] };
    const misses = { relay: 0, bare: 0, local: 0 };
    // Where a relayed event's time goes: until C's relay has written it into C's events/ (A's
    // relay, the hub, C's relay), and from there until C's consumer is told. A bare fs.watch in
    // this process sees the file land (its own wake-up, about 0.1 ms, counts in the first part).
    const landedOnC = new Map();
    const landing = watch(c.paths.events, (_event, file) => {
      if (file && !landedOnC.has(file)) landedOnC.set(file, now());
    });
    const split = { written: [], told: [] };
    const emitAndWait = (m, onSettled) => {
      const t0 = now();
      const file = `${emitEvent(m.paths, sampleEvent(), writer).id}.json`;
      return settle(() => arrived.get(file), t0).then((ms) => {
        if (ms !== undefined) onSettled?.(file, t0);
        return ms;
      });
    };
    const splitRelayed = (file, t0) => {
      const landed = landedOnC.get(file);
      if (landed === undefined) return;
      split.written.push(landed - t0);
      split.told.push(arrived.get(file) - landed);
    };
    const sample = {
      relay: () => emitAndWait(a, splitRelayed),
      bare: () => bare.sample(),
      local: () => emitAndWait(c),
    };
    const order = ["relay", "bare", "local"];
    for (let i = 0; i < 5; i++) for (const mode of order) await sample[mode]();
    for (let i = 0; i < samples; i++) {
      for (let k = 0; k < order.length; k++) {
        const mode = order[(i + k) % order.length];
        const ms = await sample[mode]();
        if (ms === undefined) misses[mode]++;
        times[mode].push(ms ?? SAMPLE_TIMEOUT_MS);
        await sleep(10 + (i % 5));
      }
    }
    landing.close();
    if (sidecar.failure()) throw sidecar.failure();

    // ── Storm ───────────────────────────────────────────────────────────────────
    const before = deliveries;
    const writers = [a, b].map((m, w) => {
      const child = forkChild(WRITER, [m.root, String(stormTotal / 2), String(w), "mixed"]);
      child.done = nextMessage(child.child, (x) => x?.kind === "done", 300_000);
      child.done.catch(() => {});
      return child;
    });
    await Promise.all(writers.map((w) => nextMessage(w.child, (x) => x?.kind === "ready", 30_000)));
    const stormStart = now();
    for (const w of writers) w.child.send("go");
    const ids = (await Promise.all(writers.map((w) => w.done))).flatMap((r) => r.ids);
    const writersMs = now() - stormStart;
    await waitFor(() => ids.every((id) => arrived.has(`${id}.json`)), {
      timeoutMs: 300_000,
      everyMs: 50,
      what: `all ${stormTotal} storm events on C`,
    });
    const stormMs = Math.max(...ids.map((id) => arrived.get(`${id}.json`))) - stormStart;
    await sleep(1000); // a redelivery would show up as a second delivery
    const doubled = deliveries - before - ids.length;
    if (doubled !== 0) throw new Error(`the storm delivered ${doubled} event(s) twice on C`);
    const bareStormMs = await bare.storm(stormTotal);

    // ── Idle ────────────────────────────────────────────────────────────────────
    const idleClient = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { connect } from "@nats-io/transport-node"; await connect({ servers: ${JSON.stringify(hub.url)} }); setInterval(() => {}, 1 << 30);`,
      ],
      { cwd: REPO_ROOT, stdio: "ignore" },
    );
    await sleep(3000); // the storm's tail settles; the client's start-up is over
    const pids = { a: relays[0].pid, c: relays[2].pid, bare: idleClient.pid };
    const start = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
    await sleep(idleMs);
    const share = (k) => ((cpuMs(pids[k]) - start[k]) / idleMs) * 100;
    const idle = { a: share("a"), c: share("c"), bare: share("bare") };
    idleClient.kill();

    const missNote = Object.entries(misses)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} missed ${n} (counted as ${SAMPLE_TIMEOUT_MS} ms)`)
      .join("; ");
    const w50 = median(times.local);
    const w99 = percentile(times.local, 99);
    const floor50 = median(times.bare);
    const floor99 = percentile(times.bare, 99);
    return [
      result("relay emit on A → told on C p50", median(times.relay), "ms", floor50, {
        target: { of: "value", max: round(2 * floor50 + w50) },
        note: `floor = bare JetStream publish → consume on the same hub; target 2× floor + the local bus alone, emit on C → told on C (${fmt(w50)} ms p50); of the relayed time, emit on A → written on C ${fmt(median(split.written))} ms p50 (A's relay, the hub, C's relay) and written → told ${fmt(median(split.told))} ms (C's consumer); ${samples} samples each${missNote ? `; ${missNote}` : ""}`,
      }),
      result("relay emit on A → told on C p99", percentile(times.relay, 99), "ms", floor99, {
        target: { of: "value", max: round(2 * floor99 + w99) },
        note: `the local bus alone: p99 ${fmt(w99)} ms`,
      }),
      result(`relay storm ${stormTotal.toLocaleString("en")} events, A+B → C`, stormMs, "ms", bareStormMs, {
        note: `2 writer processes (A, B) until C's consumer has every one, once (the writers alone took ${Math.round(writersMs).toLocaleString("en")} ms, the relays and C's consumer working meanwhile); floor = ${stormTotal.toLocaleString("en")} bare publishes (256 in flight, acked) consumed and acked`,
      }),
      result("relay idle CPU, outbound only (A)", idle.a, "% core", idle.bare, {
        target: { of: "value", max: 1 },
        note: `over ${idleMs / 1000} s; floor = a bare NATS client, connected and idle`,
      }),
      result("relay idle CPU, taking events in (C)", idle.c, "% core", idle.bare, { target: { of: "value", max: 1 } }),
    ];
  } finally {
    await Promise.all(relays.map((r) => r.stop()));
    await sidecar.stop();
    await bare.close();
    await hub.stop();
  }
}

/** Resolves with the ms from `t0` to the time `arrivedAt()` reports, or undefined on timeout. */
async function settle(arrivedAt, t0) {
  try {
    await waitFor(() => arrivedAt() !== undefined, { timeoutMs: SAMPLE_TIMEOUT_MS, everyMs: 1 });
  } catch {
    return undefined;
  }
  return arrivedAt() - t0;
}

/** The floor: a work-queue stream and a durable pull consumer on the hub, used the bare way. */
async function bareJetStream(url) {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "BARE", subjects: ["bare.>"], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add("BARE", { durable_name: "bare", ack_policy: AckPolicy.Explicit });
  const js = jetstream(nc);
  const messages = await (await js.consumers.get("BARE", "bare")).consume();
  const arrived = new Map();
  const loop = (async () => {
    for await (const m of messages) {
      arrived.set(m.headers?.get("Nats-Msg-Id") ?? "", now());
      m.ack();
    }
  })();
  const payload = () => {
    const built = buildEvent(sampleEvent(), writer);
    return { id: `${built.event.id}.json`, data: new TextEncoder().encode(built.json) };
  };
  return {
    async sample() {
      const { id, data } = payload();
      const t0 = now();
      const acked = js.publish("bare.server-error", data, { msgID: id });
      const ms = await settle(() => arrived.get(id), t0);
      await acked;
      return ms;
    },
    async storm(total) {
      const messages = Array.from({ length: total }, payload);
      const t0 = now();
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
      await loop;
      await nc.close();
    },
  };
}

const round = (n) => Math.round(n * 100) / 100;
const fmt = (n) => n.toFixed(1);
