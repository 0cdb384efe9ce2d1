// Per-request cost of each framework integration on the path every request takes (nothing
// fails): the same do-nothing route served with the integration wired and without it, by two
// server processes (see _framework-server.mjs), asked in turn (ABBA rounds of 50) over one
// keep-alive connection each, so drift on a busy machine falls on both sides alike.
// Two figures per framework: the median round trip of 10,000 requests per side (what a client
// sees), and the server's CPU time per request (what the integration costs the server; on a
// shared machine it moves far less than the wall clock). Next.js is in next.bench.mjs.
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { client, compare, rows, summary } from "./_http-compare.mjs";
import { forkChild, makeTempProject, nextMessage, REPO_ROOT } from "./_lib.mjs";

export const name = "frameworks";

/** [label, framework, control]: the control row serves the same bare app twice (A/A). */
const FRAMEWORKS = [
  ["A/A control: Fastify 5 without Spark, twice", "fastify", true],
  ["Express 4", "express4"],
  ["Express 5", "express"],
  ["Fastify 5", "fastify"],
  ["Hono 4 (Node)", "hono"],
  ["Hono 4 (Node), app with a middleware of its own", "hono-mw"],
  ["Koa 2", "koa2"],
  ["Koa 3", "koa"],
];

/**
 * Where the client and the servers run when the machine has two CPUs and `taskset`: the
 * client on one, every server on the other. Left to the scheduler, where each new process
 * landed beside the client moved an A/A pair by up to 1.5× in a session; pinned, both sides
 * wake across the same two CPUs and the A/A control holds within a few percent. Returns the
 * server's CPU and a function that gives the client its CPUs back, or undefined.
 */
function pinClient() {
  if (availableParallelism() < 2) return undefined;
  const before = affinity(process.pid);
  if (before === undefined || !pin(process.pid, "0")) return undefined;
  return { server: "1", release: () => pin(process.pid, before) };
}

/** The CPU list `pid` may run on (`taskset -p -c`), or undefined without taskset. */
function affinity(pid) {
  try {
    return execFileSync("taskset", ["-p", "-c", String(pid)], { encoding: "utf8" })
      .split(":")
      .pop()
      .trim();
  } catch {
    return undefined;
  }
}

/** Pins every thread of `pid` to `cpus`; false when that cannot be done here. */
function pin(pid, cpus) {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** One server process of `framework`, with Spark's integration wired or not. */
async function startServer(framework, wired, root, serverCpu) {
  const { child, exited } = forkChild(
    join(REPO_ROOT, "bench/_framework-server.mjs"),
    [framework, wired ? "on" : "off"],
    {
      cwd: root,
      env: { ...process.env, SPARK_ROOT: root, SPARK_ENABLED: "", NODE_ENV: "production" },
    },
  );
  const { port } = await nextMessage(child, (m) => typeof m?.port === "number");
  if (serverCpu !== undefined) pin(child.pid, serverCpu);
  const cpu = async () => {
    child.send("cpu");
    const { cpu: used } = await nextMessage(child, (m) => m?.cpu !== undefined);
    return used.user + used.system;
  };
  return { port, cpu, child, exited };
}

/**
 * Both servers of `framework`; the control serves the bare app on both sides (A/A). `lead` is
 * started first.
 */
async function startServers(framework, root, { control, lead, serverCpu }) {
  const servers = {};
  for (const side of lead === "spark" ? ["spark", "bare"] : ["bare", "spark"]) {
    servers[side] = await startServer(framework, side === "spark" && !control, root, serverCpu);
  }
  const spark = client(servers.spark.port);
  const bare = client(servers.bare.port);
  return {
    spark,
    bare,
    cpu: (side) => servers[side].cpu(),
    stop: async () => {
      spark.close();
      bare.close();
      for (const { child, exited } of Object.values(servers)) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

export async function run(ctx) {
  const sessions = ctx.quick ? 2 : 5;
  const total = ctx.quick ? 2_000 : 10_000;
  const warmup = ctx.quick ? 200 : 1_000;
  const project = makeTempProject("frameworks");
  const pinned = pinClient();
  const out = [];
  for (const [label, framework, control] of FRAMEWORKS) {
    const samples = [];
    for (let i = 0; i < sessions; i++) {
      // A fresh pair of processes each session, started and asked in turn, the other side
      // first every other time: whatever one process or its start order gets (where the
      // scheduler put it, what V8 made of its warm-up) falls on both sides alike.
      const lead = i % 2 === 0 ? "spark" : "bare";
      const servers = await startServers(framework, project.root, { control, lead, serverCpu: pinned?.server });
      try {
        samples.push(...(await compare(servers, total / sessions, warmup, undefined, lead)).sessions);
      } finally {
        await servers.stop();
      }
    }
    const m = summary(samples);
    ctx.log(`  ${label}: ${m.spark.toFixed(1)} µs with Spark, ${m.bare.toFixed(1)} µs without`);
    out.push(
      ...rows(label, m, { control, what: 'GET /users/:id answering "ok"', sessions, pinned: pinned !== undefined }),
    );
  }
  pinned?.release();
  return out;
}
