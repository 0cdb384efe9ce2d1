// The bridge (`manifest sidecar --web --proxy-app`, built CLI, a real Pi session on a model
// server in this process) beside a bare floor in the same run (bench/_bare-sse-relay.mjs: a
// node:http process that relays the same model stream to SSE clients and serves the app).
//
// Stream latency: the model writes a token (a sequence number) every 5 ms; the time until an
// SSE client has it as a `message_update`, p50 and p99, vs the bare relay. Runs alternate
// (ABBA) so drift cancels out.
// Replay: a client that missed 1,000 events reconnects with Last-Event-ID; until it has all.
// Memory: RSS added by 100 SSE clients through one streamed run.
// Proxy: a small JSON request to the app through the bridge vs straight to the app, one at a
// time (latency) and 16 at a time (time for the batch); target ≤ 1.3×.
import { Agent } from "node:http";
import { fileURLToPath } from "node:url";
import { call, httpGet, openStream, startModel, startSidecar, TOKEN, vmRss } from "./_bridge-parts.mjs";
import { forkChild, median, mib, nextMessage, now, percentile, result, sleep, waitFor } from "./_lib.mjs";

export const name = "bridge";

const RELAY = fileURLToPath(new URL("./_bare-sse-relay.mjs", import.meta.url));
const BARE_PROXY = fileURLToPath(new URL("./_bare-proxy.mjs", import.meta.url));

export async function run(ctx) {
  const quick = ctx.quick;
  const model = await startModel();
  const relay = forkChild(RELAY);
  const { port: relayPort } = await nextMessage(relay.child, (m) => m?.kind === "ready");
  const relayUrl = `http://127.0.0.1:${relayPort}`;
  const sidecar = await startSidecar(model);
  const rows = [];
  try {
    const api = (method, path, body) => call(sidecar.url, method, path, body);
    const go = {
      spark: async () => {
        const r = await api("POST", "/starter/prompt", { message: "stream" });
        if (r.status !== 202 && r.status !== 200) throw new Error(`prompt refused: ${r.status} ${r.text}`);
      },
      bare: async () =>
        relay.child.send({ kind: "go", url: `${model.baseUrl}/chat/completions`, apiKey: model.apiKey }),
    };
    const streams = { spark: await openStream(sidecar.url, TOKEN), bare: await openStream(relayUrl) };

    // ── Stream latency ──────────────────────────────────────────────────────────────
    const chunks = quick ? 100 : 300;
    const latency = { spark: [], bare: [] };
    const once = async (which) => {
      const first = model.seq + 1;
      model.plan = { chunks, everyMs: 5 };
      const from = streams[which].received.length;
      await go[which]();
      const last = first + chunks - 1;
      await waitFor(() => streams[which].seen.has(last), { timeoutMs: 60_000, what: `token ${last} (${which})` });
      for (let s = first; s <= last; s++) latency[which].push(streams[which].seen.get(s) - model.sent.get(s));
      if (which === "spark") await waitFor(() => streams.spark.received.slice(from).some(isEnd), { what: "agent_end" });
    };
    await once("spark"); // warm-up: Pi's first turn
    await once("bare");
    latency.spark.length = 0;
    latency.bare.length = 0;
    for (let round = 0; round < (quick ? 2 : 4); round++) {
      const order = round % 2 === 0 ? ["spark", "bare"] : ["bare", "spark"];
      for (const which of order) await once(which);
    }
    const note = "floor: a bare node:http process relaying the same model stream to an SSE client";
    rows.push(
      result("model token → SSE client p50", median(latency.spark), "ms", median(latency.bare), { note }),
      result("model token → SSE client p99", percentile(latency.spark, 99), "ms", percentile(latency.bare, 99), {
        note,
      }),
    );

    // ── Memory with 100 clients ─────────────────────────────────────────────────────
    const rss = { spark: 0, bare: 0 };
    for (const [which, url, token, pid] of [
      ["spark", sidecar.url, TOKEN, sidecar.child.pid],
      ["bare", relayUrl, undefined, relay.child.pid],
    ]) {
      await sleep(300);
      const before = vmRss(pid);
      const many = await Promise.all(Array.from({ length: 100 }, () => openStream(url, token)));
      const first = model.seq + 1;
      model.plan = { chunks, everyMs: 1 };
      await go[which]();
      const last = first + chunks - 1;
      await waitFor(() => many.every((s) => s.seen.has(last)), { timeoutMs: 60_000, what: `100 clients (${which})` });
      rss[which] = vmRss(pid) - before;
      for (const s of many) s.close();
      if (which === "spark") await waitFor(() => streams.spark.received.some(isEnd), { what: "agent_end" });
    }
    rows.push(
      result("RSS added by 100 SSE clients through a run", mib(rss.spark), "MiB", mib(rss.bare), {
        note: "floor: the bare relay with 100 clients through the same run",
      }),
    );

    // ── Replay of 1,000 missed events ───────────────────────────────────────────────
    for (const which of ["spark", "bare"]) {
      const from = streams[which].received.length;
      const first = model.seq + 1;
      model.plan = { chunks: 1100, everyMs: 0 };
      await go[which]();
      await waitFor(() => streams[which].seen.has(first + 1099), {
        timeoutMs: 60_000,
        what: `1,100 tokens (${which})`,
      });
      if (which === "spark") await waitFor(() => streams.spark.received.slice(from).some(isEnd), { what: "agent_end" });
    }
    await sleep(200);
    const ids = streams.spark.received.filter((m) => m.id !== undefined).map((m) => m.id);
    const resumeFrom = ids[ids.length - 1001];
    const replay = { spark: [], bare: [] };
    const replayOnce = async (which) => {
      const t = now();
      const s =
        which === "spark"
          ? await openStream(sidecar.url, TOKEN, { "last-event-id": resumeFrom })
          : await openStream(`${relayUrl}/?replay=1000`);
      await waitFor(() => s.received.filter((m) => m.id !== undefined).length >= 1000, { everyMs: 1, what: "1,000" });
      replay[which].push(now() - t);
      if (s.received.some((m) => m.event === "gap" || m.event === "reset")) throw new Error("the replay was not whole");
      s.close();
    };
    for (let i = 0; i < (quick ? 6 : 20); i++) {
      const order = i % 2 === 0 ? ["spark", "bare"] : ["bare", "spark"];
      for (const which of order) await replayOnce(which);
    }
    rows.push(
      result("replay 1,000 missed events (connect → last) p50", median(replay.spark), "ms", median(replay.bare), {
        note: "floor: the bare relay writing its last 1,000 frames on connect",
      }),
    );

    // ── The proxy ───────────────────────────────────────────────────────────────────
    const set = await api("POST", "/starter/config", { appPort: relayPort });
    if (set.status !== 200) throw new Error(`config refused: ${set.text}`);
    rows.push(...(await measureProxy(quick, sidecar.url, relayPort)));
    for (const s of Object.values(streams)) s.close();
  } finally {
    await sidecar.stop();
    relay.child.send("stop");
    await relay.exited;
    await model.close();
  }
  return rows;
}

/**
 * A small JSON request to the app: through the bridge, straight to the app (the target's
 * floor), and through a bare node:http proxy process (what any hop costs). Rounds rotate.
 */
async function measureProxy(quick, bridgeUrl, appPort) {
  const bareProxy = forkChild(BARE_PROXY, [String(appPort)]);
  const { port: hopPort } = await nextMessage(bareProxy.child, (m) => m?.kind === "ready");
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const targets = {
    spark: { url: `${bridgeUrl}/app`, headers: { authorization: `Bearer ${TOKEN}` } },
    app: { url: `http://127.0.0.1:${appPort}/app`, headers: {} },
    hop: { url: `http://127.0.0.1:${hopPort}/app`, headers: {} },
  };
  const orders = [
    ["spark", "app", "hop"],
    ["hop", "app", "spark"],
  ];
  const get = (which) => httpGet(targets[which].url, targets[which].headers, agent);
  try {
    for (let i = 0; i < 50; i++) for (const which of orders[0]) await get(which);
    const one = { spark: [], app: [], hop: [] };
    for (let i = 0; i < (quick ? 300 : 1500); i++) {
      for (const which of orders[i % 2]) {
        const t = now();
        await get(which);
        one[which].push(now() - t);
      }
    }
    const batch = { spark: [], app: [], hop: [] };
    const total = quick ? 400 : 2000;
    const burst = async (which) => {
      let next = 0;
      const t = now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next++ < total) await get(which);
        }),
      );
      batch[which].push(now() - t);
    };
    for (let round = 0; round < 4; round++) for (const which of orders[round % 2]) await burst(which);
    const target = { of: "ratio", max: 1.3 };
    const perSecond = (which) => Math.round((total / median(batch[which])) * 1000);
    const count = total.toLocaleString("en-US");
    return [
      result("proxy: one request at a time p50", median(one.spark), "ms", median(one.app), {
        note: "floor: the same request straight to the app",
        target,
      }),
      result(`proxy: ${count} requests, 16 at a time`, median(batch.spark), "ms", median(batch.app), {
        note: `floor: straight to the app (${perSecond("spark")} vs ${perSecond("app")} req/s)`,
        target,
      }),
      result("proxy: one request at a time p50 (vs a bare proxy)", median(one.spark), "ms", median(one.hop), {
        note: "floor: a bare node:http proxy process in front of the same app (what any hop costs)",
      }),
      result(`proxy: ${count} requests, 16 at a time (vs a bare proxy)`, median(batch.spark), "ms", median(batch.hop), {
        note: `floor: a bare node:http proxy process (${perSecond("hop")} req/s)`,
      }),
    ];
  } finally {
    agent.destroy();
    bareProxy.child.send("stop");
    await bareProxy.exited;
  }
}

const isEnd = (m) => m.event === "pi" && m.json?.type === "agent_end";
