// One server of one framework with a do-nothing route GET /users/:id, with Spark's integration
// wired as the README says (argv[3] "on") or not ("off"). One process per server, as an app
// runs: two apps of one framework in one process share its code's inline caches and the heap,
// and which one V8 happened to optimize for moved an A/A pair's CPU by ±25 % from run to run.
// argv[2]: express4, express, fastify, hono, hono-mw, koa2 or koa. Sends its port over IPC,
// then its CPU time whenever asked.
import { createServer } from "node:http";

const [framework, wiring] = process.argv.slice(2);

/** A node:http server for `withSpark` (or a Fastify instance, which makes its own). */
async function serve(withSpark) {
  if (framework === "express" || framework === "express4") {
    const { default: express } = await import(framework);
    const { sparkErrorHandler } = await import("manifest-spark/express");
    const app = express();
    app.get("/users/:id", (_req, res) => res.end("ok"));
    if (withSpark) app.use(sparkErrorHandler());
    return listen(createServer(app));
  }
  if (framework === "fastify") {
    const { default: Fastify } = await import("fastify");
    const app = Fastify();
    if (withSpark) await app.register((await import("manifest-spark/fastify")).default);
    app.get("/users/:id", async () => "ok");
    await app.listen({ port: 0, host: "127.0.0.1" });
    app.server.keepAliveTimeout = 60_000;
    return app.server.address().port;
  }
  if (framework === "hono" || framework === "hono-mw") {
    const { Hono } = await import("hono");
    const { getRequestListener } = await import("@hono/node-server");
    const app = new Hono();
    if (withSpark) app.use((await import("manifest-spark/hono")).sparkHono());
    // Most apps have a middleware of their own (a logger, CORS): Hono then composes anyway.
    if (framework === "hono-mw") app.use(async (_c, next) => next());
    app.get("/users/:id", (c) => c.text("ok"));
    return listen(createServer(getRequestListener(app.fetch)));
  }
  if (framework === "koa" || framework === "koa2") {
    const { default: Koa } = await import(framework);
    const { default: Router } = await import("@koa/router");
    const app = new Koa();
    if (withSpark) app.use((await import("manifest-spark/koa")).sparkKoa());
    const router = new Router();
    router.get("/users/:id", (ctx) => {
      ctx.body = "ok";
    });
    app.use(router.routes());
    return listen(createServer(app.callback()));
  }
  throw new Error(`unknown framework ${framework}`);
}

function listen(server) {
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

process.send({ port: await serve(wiring === "on") });
// The bench asks for this process's CPU time around each of its rounds: this server is the
// only one working in it, so the difference is what those requests cost it.
process.on("message", (m) => {
  if (m === "cpu") process.send({ cpu: process.cpuUsage() });
});
