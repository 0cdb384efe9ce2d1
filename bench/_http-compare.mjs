// What frameworks.bench.mjs and next.bench.mjs share: a keep-alive client that times each
// request, and the ABBA comparison of a server with Spark's integration against one without.
import { Agent, request } from "node:http";
import { median, now, result } from "./_lib.mjs";

/** One GET over `agent`'s single connection; resolves with its round trip in ms. */
function timedGet(port, agent) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    request({ host: "127.0.0.1", port, path: "/users/42", agent }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(now() - t0) : reject(new Error(`HTTP ${res.statusCode}`))));
    })
      .on("error", reject)
      .end();
  });
}

/** A keep-alive client of one server on 127.0.0.1. */
export function client(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return { get: () => timedGet(port, agent), close: () => agent.destroy() };
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

/**
 * `servers` = { spark, bare, cpu(side) }: asks each in turn, in ABBA rounds of 50, `total`
 * requests each after `warmup`, or fewer when `budgetMs` runs out first (a slow app on a busy
 * machine; `n` says how many). Returns the median round trip and the server CPU per request
 * (summed over each side's rounds, which beats the kernel's tick-sized CPU accounting).
 */
export async function compare(servers, total, warmup, budgetMs = Number.POSITIVE_INFINITY) {
  const perRound = 50;
  for (let i = 0; i < warmup; i++) {
    await servers.spark.get();
    await servers.bare.get();
  }
  const times = { spark: [], bare: [] };
  const cpu = { spark: [], bare: [] };
  const round = async (side) => {
    const before = await servers.cpu(side);
    for (let i = 0; i < perRound; i++) times[side].push(await servers[side].get());
    cpu[side].push((await servers.cpu(side)) - before);
  };
  const deadline = now() + budgetMs;
  for (let r = 0; r < total / perRound && now() < deadline; r++) {
    for (const side of r % 2 === 0 ? ["spark", "bare"] : ["bare", "spark"]) await round(side);
  }
  return {
    spark: median(times.spark) * 1000,
    bare: median(times.bare) * 1000,
    cpuSpark: sum(cpu.spark) / times.spark.length,
    cpuBare: sum(cpu.bare) / times.bare.length,
    n: times.spark.length,
  };
}

/** The two rows of one comparison; a control row (A/A) has no target. */
export function rows(label, m, { control = false, what } = {}) {
  const target = control ? {} : { target: { of: "ratio", max: 1.03 } };
  return [
    result(`${label} request (p50)`, m.spark, "µs", m.bare, {
      ...target,
      note: control
        ? "the noise of this run: two identical servers; a ratio this far from 1 is not the integration's"
        : `${what}, integration wired vs not; ${m.n} requests each, ABBA rounds of 50`,
    }),
    result(`${label} server CPU per request`, m.cpuSpark, "µs", m.cpuBare, {
      ...target,
      note: "the server's user+system time over each side's rounds, divided by its requests",
    }),
  ];
}
