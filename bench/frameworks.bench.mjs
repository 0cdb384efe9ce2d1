// Per-request cost of each framework integration on the path every request takes (nothing
// fails): the same do-nothing route served with the integration wired and without it, by two
// servers in one process (see _framework-server.mjs), asked in turn (ABBA rounds of 50) over
// one keep-alive connection each, so drift on a busy machine falls on both sides alike.
// Two figures per framework: the median round trip of 10,000 requests per side (what a client
// sees), and the server's CPU time per request (what the integration costs the server; on a
// shared machine it moves far less than the wall clock). Next.js is in next.bench.mjs.
import { join } from "node:path";
import { client, compare, rows } from "./_http-compare.mjs";
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
      spark.close();
      bare.close();
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function run(ctx) {
  const total = ctx.quick ? 2_000 : 10_000;
  const warmup = ctx.quick ? 200 : 1_000;
  const project = makeTempProject("frameworks");
  const out = [];
  for (const [label, framework, control] of FRAMEWORKS) {
    const servers = await startServers(framework, project.root, control);
    try {
      const m = await compare(servers, total, warmup);
      ctx.log(`  ${label}: ${m.spark.toFixed(1)} µs with Spark, ${m.bare.toFixed(1)} µs without`);
      out.push(...rows(label, m, { control, what: 'GET /users/:id answering "ok"' }));
    } finally {
      await servers.stop();
    }
  }
  return out;
}
