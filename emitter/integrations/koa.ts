/**
 * `manifest-spark/koa`: Koa 2 and 3. `app.use(sparkKoa())` as the first middleware records
 * every error that reaches Koa: thrown through the middleware stack, reported by the app's own
 * error middleware with `ctx.app.emit("error", err, ctx)` (Koa's convention), or raised by a
 * response stream after the headers went out. The route pattern comes from @koa/router
 * (`ctx._matchedRoute`). Nothing of Koa is imported: the app passes its objects in.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { enabledFromEnv } from "../../bus/env-switch.js";
import { markHandled } from "../handled-requests.js";
import { spark } from "../index.js";
import { featureOf } from "../reporter.js";
import type { IntegrationOptions } from "../types.js";
import { reportWhenClosed } from "./report.js";
import { requestIdOf } from "./request-failure.js";

/** What Spark reads of a Koa context. */
export interface KoaContextLike {
  method: string;
  path: string;
  headerSent: boolean;
  req: IncomingMessage;
  res: ServerResponse;
  app: { on(event: "error", listener: (error: unknown, ctx?: KoaContextLike) => void): unknown };
  request: { body?: unknown; id?: unknown };
  state?: Record<string, unknown> | undefined;
  query?: unknown;
  /** Set by @koa/router. */
  params?: unknown;
  _matchedRoute?: unknown;
  routerPath?: unknown;
  /** Set by some request-id middlewares. */
  id?: unknown;
  get(field: string): string;
}

/** A Koa middleware. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown>;

/** Apps whose `error` event Spark listens to (once each). */
const watchedApps = new WeakSet<object>();
/** Requests already recorded: a thrown error reaches both the middleware and the `error` event. */
const noted = new WeakSet<object>();

/** The middleware. Add it first, so it wraps every other one. */
export function sparkKoa(options: IntegrationOptions<KoaContextLike> = {}): KoaMiddleware {
  // Spark's core loads on the first error (see express.ts); with SPARK_ENABLED=0, not at all.
  if (enabledFromEnv(process.env) === false) return (_ctx, next) => next();
  // The app seen last: every request after the first costs one comparison, not a lookup.
  let lastApp: object | undefined;
  return async function sparkKoa(ctx, next) {
    if (ctx.app !== lastApp) {
      lastApp = ctx.app;
      watchApp(ctx.app, options);
    }
    try {
      await next();
    } catch (error) {
      note(ctx, error, options);
      throw error;
    }
  };
}

/**
 * Listening to `error` is passive: Koa adds its own logger when the app is wired (before any
 * request reaches this), and keeps it whether or not others listen.
 */
function watchApp(app: KoaContextLike["app"], options: IntegrationOptions<KoaContextLike>): void {
  try {
    if (watchedApps.has(app)) return;
    watchedApps.add(app);
    app.on("error", (error, ctx) => {
      if (ctx) note(ctx, error, options);
    });
  } catch {
    // Never into the app.
  }
}

function note(ctx: KoaContextLike, error: unknown, options: IntegrationOptions<KoaContextLike>): void {
  if (noted.has(ctx) || !spark.enabled) return;
  noted.add(ctx);
  markHandled(ctx.req);
  reportWhenClosed(ctx.res, () => ({
    framework: "koa",
    method: ctx.method,
    pattern: patternOf(ctx),
    path: ctx.path,
    responseStarted: ctx.headerSent,
    requestId: requestIdOf(options.requestId, ctx, () => [
      ctx.state?.requestId,
      ctx.state?.reqId,
      ctx.state?.id,
      ctx.id,
      ctx.request.id,
      ctx.get("x-request-id"),
    ]),
    error,
    feature: featureOf(options, ctx),
    params: ctx.params,
    query: ctx.query,
    body: ctx.request.body,
  }));
}

function patternOf(ctx: KoaContextLike): string | undefined {
  const route = ctx._matchedRoute ?? ctx.routerPath;
  if (typeof route === "string") return route;
  return route instanceof RegExp ? String(route) : undefined;
}
