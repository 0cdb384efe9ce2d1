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
 * machine; `n` says how many); `lead` is the side asked first. Returns the median round trip
 * and the server CPU per request (summed over each side's rounds, which beats the kernel's
 * tick-sized CPU accounting), with the raw samples in `sessions` for `summary`.
 */
export async function compare(servers, total, warmup, budgetMs = Number.POSITIVE_INFINITY, lead = "spark") {
  const order = lead === "spark" ? ["spark", "bare"] : ["bare", "spark"];
  const perRound = 50;
  for (let i = 0; i < warmup; i++) {
    for (const side of order) await servers[side].get();
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
    for (const side of r % 2 === 0 ? order : [...order].reverse()) await round(side);
  }
  return summary([{ times, cpu }]);
}

/**
 * One comparison out of several sessions' samples: the median round trip over all their
 * requests, and the CPU per request over all their rounds.
 */
export function summary(sessions) {
  const all = (field, side) => sessions.flatMap((s) => s[field][side]);
  const [timesSpark, timesBare] = [all("times", "spark"), all("times", "bare")];
  return {
    spark: median(timesSpark) * 1000,
    bare: median(timesBare) * 1000,
    cpuSpark: sum(all("cpu", "spark")) / timesSpark.length,
    cpuBare: sum(all("cpu", "bare")) / timesBare.length,
    n: timesSpark.length,
    sessions,
  };
}

/** The two rows of one comparison; a control row (A/A) has no target. */
export function rows(label, m, { control = false, what, sessions = 1, pinned = false } = {}) {
  const target = control ? {} : { target: { of: "ratio", max: 1.03 } };
  return [
    result(`${label} request (p50)`, m.spark, "µs", m.bare, {
      ...target,
      note: control
        ? "the noise of this run: two identical servers; a ratio this far from 1 is not the integration's"
        : `${what}, integration wired vs not; ${m.n} requests each, ABBA rounds of 50${sessions > 1 ? `, ${sessions} sessions of fresh processes` : ""}${pinned ? ", client and servers on two pinned CPUs" : ""}`,
    }),
    result(`${label} server CPU per request`, m.cpuSpark, "µs", m.cpuBare, {
      ...target,
      note: "the server's user+system time over each side's rounds, divided by its requests",
    }),
  ];
}
