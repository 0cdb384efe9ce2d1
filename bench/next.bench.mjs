// Next.js's integration on the path every request takes: two builds of one app (a dynamic
// route handler answering "ok"), with and without instrumentation.js's one line, each served
// by its own `next start`, asked in ABBA rounds (see _http-compare.mjs). On its own, so the
// two builds and Next's slower requests do not crowd the other frameworks' module.
import { client, compare, rows } from "./_http-compare.mjs";
import { makeTempProject } from "./_lib.mjs";
import { startNextApp } from "./_next-app.mjs";

export const name = "next";

/** The runner gives a module 10 minutes: two builds take some, the requests get at most this. */
const MEASURE_BUDGET_MS = 5 * 60_000;

export async function run(ctx) {
  const total = ctx.quick ? 1_000 : 10_000;
  const warmup = ctx.quick ? 100 : 500;
  const project = makeTempProject("next");
  const started = performance.now();
  const sparkApp = await startNextApp(true, project.root);
  const bareApp = await startNextApp(false, project.root);
  ctx.log(`  two builds and starts: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const spark = client(sparkApp.port);
  const bare = client(bareApp.port);
  try {
    const m = await compare(
      { spark, bare, cpu: async (side) => (side === "spark" ? sparkApp : bareApp).cpu() },
      total,
      warmup,
      MEASURE_BUDGET_MS,
    );
    ctx.log(`  Next.js: ${m.spark.toFixed(0)} µs with Spark, ${m.bare.toFixed(0)} µs without`);
    return rows("Next.js 16 (route handler)", m, { what: 'GET /users/[id] answering "ok"' });
  } finally {
    spark.close();
    bare.close();
    await sparkApp.stop();
    await bareApp.stop();
  }
}
