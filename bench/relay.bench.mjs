// The relay: many machines, one bus, through a real `nats-server` on loopback. Three temp
// projects with `manifest relay` each (the built CLI): A and B emit, C has a sidecar stand-in
// (the bus's consumer under a live sidecar presence in this process).
// Latency: emit on A → C's consumer told, vs the floor: a bare JetStream publish → consume on
// the same hub. The issue's target is 2× the floor plus the local watcher's latency: emit on
// C → told on C, the bus without the relay, measured in the same rotation.
// Every part runs as it does for a user, each in a process of its own that sleeps until its
// turn: the app that emits (`_relay-app.mjs`), the relays, the sidecar (this process, which
// waits for arrivals without polling), and the floor's publisher and consumer
// (`_bare-jetstream.mjs`). Stamps are on the machine's monotonic clock, which all share.
// A second rotation times Spark's relay against a bare relay doing the same job
// (`_bare-relay.mjs`, from a fourth project to C): what the relay adds to the job itself.
// The same-process figures (publisher and consumer, or emitter and consumer, in this one
// process, which never sleeps for long) are in the note: a process that is already awake
// skips the wake-up every real hop pays, so they make a floor no relay can be held to.
// Storm: 10,000 events from writer processes on A and B until C has taken every one (exactly
// once, or it throws), vs 10,000 bare publishes (acked, 256 in flight) consumed and acked.
// Idle: each relay's CPU over a quiet stretch, vs a bare NATS client connected and idle.
import { spawn } from "node:child_process";
import { watch } from "node:fs";
import { fileURLToPath } from "node:url";
import { emitEvent } from "../dist/bus.js";
import { forkChild, median, monoMs, nextMessage, percentile, REPO_ROOT, result, sleep, waitFor } from "./_lib.mjs";
import { cpuMs, hasNatsServer, machine, sidecarStandIn, startHub, startRelay } from "./_relay-fleet.mjs";
import {
  arrivalBoard,
  bareJetStream,
  SAMPLE_TIMEOUT_MS,
  sampleEvent,
  startPeers,
  benchWriter as writer,
} from "./_relay-peers.mjs";

export const name = "relay";

const WRITER = fileURLToPath(new URL("./_storm-writer.mjs", import.meta.url));

export async function run(ctx) {
  if (!hasNatsServer()) {
    ctx.log("relay: skipped, nats-server is not installed (apt-get install nats-server)");
    return [];
  }
  const samples = ctx.quick ? 40 : 200;
  const stormTotal = ctx.quick ? 2_000 : 10_000;
  const idleMs = ctx.quick ? 5_000 : 20_000;

  const hub = await startHub();
  // Everything started after the hub is stopped in `finally`, also when a later start fails.
  let relays = [];
  let sidecar;
  let bare;
  let peers;
  try {
    const [a, b, c, a2] = ["a", "b", "c", "a2"].map((n) => machine(n, hub.url));
    const arrived = arrivalBoard();
    let deliveries = 0;
    sidecar = sidecarStandIn(c, (file, at) => {
      deliveries++;
      arrived.mark(file, at);
    });
    relays = [a, b, c].map(startRelay);
    bare = await bareJetStream(hub.url);
    peers = await startPeers(hub.url, { bareRelayFrom: a2.root, bareRelayTo: c.root });
    await Promise.all(relays.map((r) => r.waitFor("connected")));
    await relays[2].waitFor("inbound:true");

    // ── Latency ─────────────────────────────────────────────────────────────────
    const modes = ["relay", "floor", "local", "floorSameProcess", "localSameProcess"];
    const times = Object.fromEntries(modes.map((m) => [m, []]));
    const misses = Object.fromEntries(modes.map((m) => [m, 0]));
    // Where a relayed event's time goes: until C's relay has written it into C's events/ (A's
    // relay, the hub, C's relay), and from there until C's consumer is told. A bare fs.watch in
    // this process sees the file land (its own wake-up, about 0.1 ms, counts in the first part).
    const landedOnC = new Map();
    const landing = watch(c.paths.events, (_event, file) => {
      if (file && !landedOnC.has(file)) landedOnC.set(file, monoMs());
    });
    const split = { written: [], told: [] };
    /** The app emits on `m`; the ms until C's consumer is told, or undefined on a timeout. */
    const emitByApp = async (m) => {
      peers.assertAlive();
      peers.app.send({ root: m.root });
      const { file, t0 } = await nextMessage(peers.app, (x) => x?.kind === "emitted", SAMPLE_TIMEOUT_MS);
      const at = await arrived.when(file, SAMPLE_TIMEOUT_MS);
      return at === undefined ? undefined : { file, t0, ms: at - t0 };
    };
    const sample = {
      relay: async () => {
        const got = await emitByApp(a);
        const landed = got && landedOnC.get(got.file);
        if (landed !== undefined) {
          split.written.push(landed - got.t0);
          split.told.push(arrived.get(got.file) - landed);
        }
        return got?.ms;
      },
      floor: () => peers.floorSample(),
      local: async () => (await emitByApp(c))?.ms,
      floorSameProcess: () => bare.sample(),
      localSameProcess: async () => {
        const t0 = monoMs();
        const file = `${emitEvent(c.paths, sampleEvent(), writer).id}.json`;
        const at = await arrived.when(file, SAMPLE_TIMEOUT_MS);
        return at === undefined ? undefined : at - t0;
      },
    };
    for (let i = 0; i < 5; i++) for (const mode of modes) await sample[mode]();
    for (let i = 0; i < samples; i++) {
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(i + k) % modes.length];
        const ms = await sample[mode]();
        if (ms === undefined) misses[mode]++;
        times[mode].push(ms ?? SAMPLE_TIMEOUT_MS);
        await sleep(10 + (i % 5));
      }
    }
    landing.close();
    // A floor that missed is a broken floor (its target would be 5 s wide), not a slow one.
    if (misses.floor > 0 || misses.floorSameProcess > 0) {
      throw new Error(`the floor missed ${misses.floor + misses.floorSameProcess} sample(s): no target can be set`);
    }
    // Spark's relay against a bare one doing the same job, in a rotation of their own (the two
    // alone, so the rotation above stays as it was).
    const versusBare = { relay: [], bareRelay: [] };
    const pair = [
      ["relay", a],
      ["bareRelay", a2],
    ];
    for (let i = 0; i < samples / 2; i++) {
      for (const [mode, m] of i % 2 ? pair : [...pair].reverse()) {
        const ms = (await emitByApp(m))?.ms;
        if (ms === undefined) throw new Error(`the ${mode} comparison lost a sample`);
        versusBare[mode].push(ms);
        await sleep(10 + (i % 5));
      }
    }
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
    const stormStart = monoMs();
    for (const w of writers) w.child.send("go");
    const ids = (await Promise.all(writers.map((w) => w.done))).flatMap((r) => r.ids);
    const writersMs = monoMs() - stormStart;
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
    const floor50 = median(times.floor);
    const floor99 = percentile(times.floor, 99);
    const same50 = { floor: median(times.floorSameProcess), local: median(times.localSameProcess) };
    return [
      result("relay emit on A → told on C p50", median(times.relay), "ms", floor50, {
        target: { of: "value", max: round(2 * floor50 + w50) },
        note: `floor = a bare JetStream publish → consume on the same hub, publisher and consumer each a process of its own; target 2× floor + the local bus alone, the app emitting on C → told on C (${fmt(w50)} ms p50); of the relayed time, emit on A → written on C ${fmt(median(split.written))} ms p50 (A's relay, the hub, C's relay) and written → told ${fmt(median(split.told))} ms (C's consumer); in one process, which skips a wake-up: floor ${fmt(same50.floor)} ms, local bus ${fmt(same50.local)} ms, so 2× floor + local bus ${fmt(2 * same50.floor + same50.local)} ms; ${samples} samples each${missNote ? `; ${missNote}` : ""}`,
      }),
      result(
        "relay emit on A → told on C p50, vs a bare relay",
        median(versusBare.relay),
        "ms",
        median(versusBare.bareRelay),
        {
          note: `floor = the same path through a bare relay on each side (_bare-relay.mjs): Spark's parse, redaction and duplicate check, without the symlink checks, the staged spare, the reports, presence and pause; what Spark's relay adds to the job itself; ${samples / 2} samples each, the two alternating`,
        },
      ),
      result("relay emit on A → told on C p99", percentile(times.relay, 99), "ms", floor99, {
        target: { of: "value", max: round(2 * floor99 + w99) },
        note: `the local bus alone: p99 ${fmt(w99)} ms; in one process: floor ${fmt(percentile(times.floorSameProcess, 99))} ms, local bus ${fmt(percentile(times.localSameProcess, 99))} ms`,
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
    await sidecar?.stop();
    peers?.stop();
    await bare?.close();
    await hub.stop();
  }
}

const round = (n) => Math.round(n * 100) / 100;
const fmt = (n) => n.toFixed(1);
