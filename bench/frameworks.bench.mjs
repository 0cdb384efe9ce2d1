// Per-request cost of each framework integration on the path every request takes (nothing
// fails): the same do-nothing route served with the integration wired and without it, by two
// servers in one process (see _framework-server.mjs), asked in turn (ABBA rounds of 50) over
// one keep-alive connection each, so drift on a busy machine falls on both sides alike.
// Two figures per framework: the median round trip of 10,000 requests per side (what a client
// sees), and the server's CPU time per request, summed over each side's rounds (what the
// integration costs the server; on a shared machine it moves far less than the wall clock,
// and summing beats the kernel's tick-sized CPU accounting that a per-round median would see).
import { Agent, request } from "node:http";
import { join } from "node:path";
import { forkChild, makeTempProject, median, nextMessage, now, REPO_ROOT, result } from "./_lib.mjs";
import { startNextApp } from "./_next-app.mjs";

export const name = "frameworks";

/** [label, framework, control]: the control row serves the same bare app twice (A/A). */
const FRAMEWORKS = [
  ["A/A control: Fastify 5 without Spark, twice", "fastify", true],
  ["Express 4", "express4"],
  ["Express 5", "express"],
  ["Fastify 5", "fastify"],
  ["Hono 4 (Node)", "hono"],
  ["Koa 2", "koa2"],
  ["Koa 3", "koa"],
  ["Next.js 16 (route handler)", "next"],
];

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

/** A keep-alive client of one server. */
function client(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return { get: () => timedGet(port, agent), agent };
}

/** Next's two apps, each built and served by its own `next start`. */
async function startNextServers(root) {
  const sparkApp = await startNextApp(true, root);
  const bareApp = await startNextApp(false, root);
  const spark = client(sparkApp.port);
  const bare = client(bareApp.port);
  return {
    spark,
    bare,
    cpu: async (side) => (side === "spark" ? sparkApp : bareApp).cpu(),
    stop: async () => {
      spark.agent.destroy();
      bare.agent.destroy();
      await sparkApp.stop();
      await bareApp.stop();
    },
  };
}

/** Both servers of `framework` (with and without Spark), in one child process. */
async function startServers(framework, root, control = false) {
  const args = control ? [framework, "control"] : [framework];
  const { child, exited } = forkChild(join(REPO_ROOT, "bench/_framework-server.mjs"), args, {
    cwd: root,
    env: { ...process.env, SPARK_ROOT: root, SPARK_ENABLED: "", NODE_ENV: "production" },
  });
  const ports = await nextMessage(child, (m) => typeof m?.spark === "number");
  const spark = client(ports.spark);
  const bare = client(ports.bare);
  const cpu = async () => {
    child.send("cpu");
    const { cpu: used } = await nextMessage(child, (m) => m?.cpu !== undefined);
    return used.user + used.system;
  };
  return {
    spark,
    bare,
    cpu,
    stop: async () => {
      spark.agent.destroy();
      bare.agent.destroy();
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Median round trip and server CPU per request, with and without Spark, in ABBA rounds. */
async function compare(servers, total, warmup) {
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
  for (let r = 0; r < total / perRound; r++) {
    const order = r % 2 === 0 ? ["spark", "bare"] : ["bare", "spark"];
    for (const side of order) await round(side);
  }
  return {
    spark: median(times.spark) * 1000,
    bare: median(times.bare) * 1000,
    cpuSpark: sum(cpu.spark) / times.spark.length,
    cpuBare: sum(cpu.bare) / times.bare.length,
    n: times.spark.length,
  };
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

export async function run(ctx) {
  const total = ctx.quick ? 2_000 : 10_000;
  const warmup = ctx.quick ? 200 : 1_000;
  const project = makeTempProject("frameworks");
  const rows = [];
  for (const [label, framework, control] of FRAMEWORKS) {
    const servers =
      framework === "next"
        ? await startNextServers(project.root)
        : await startServers(framework, project.root, control);
    try {
      const m = await compare(servers, total, warmup);
      ctx.log(`  ${label}: ${m.spark.toFixed(1)} µs with Spark, ${m.bare.toFixed(1)} µs without`);
      const target = control ? {} : { target: { of: "ratio", max: 1.03 } };
      rows.push(
        result(`${label} request (p50)`, m.spark, "µs", m.bare, {
          ...target,
          note: control
            ? "the noise of this run: two identical servers; a ratio this far from 1 is not the integration's"
            : `GET /users/:id answering "ok", integration wired vs not; ${m.n} requests each, ABBA rounds of 50`,
        }),
        result(`${label} server CPU per request`, m.cpuSpark, "µs", m.cpuBare, {
          ...target,
          note: "the server process's user+system time over each side's rounds, divided by its requests",
        }),
      );
    } finally {
      await servers.stop();
    }
  }
  return rows;
}
