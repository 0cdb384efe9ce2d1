/**
 * `manifest-spark/hono`: `app.use(sparkHono())` before the routes. Hono catches a handler's
 * throw and answers with `app.onError`; this middleware reads `c.error` once that is done and
 * records it with the route pattern the request matched. Works wherever Hono runs on a
 * JavaScript server with a file system (Node, Bun). Hono's types only: nothing of it is loaded.
 */
import type { Context, MiddlewareHandler } from "hono";
import { enabledFromEnv } from "../../bus/env-switch.js";
import { markHandled } from "../handled-requests.js";
import { spark } from "../index.js";
import { featureOf } from "../reporter.js";
import type { IntegrationOptions } from "../types.js";
import { report } from "./report.js";
import { type RequestFailure, requestIdOf } from "./request-failure.js";

/** How long the error path waits for a body the handler had started to read. */
const BODY_WAIT_MS = 100;

/** The middleware. Add it first, so it wraps every route. */
export function sparkHono(options: IntegrationOptions<Context> = {}): MiddlewareHandler {
  // Spark's core loads on the first error (see express.ts); with SPARK_ENABLED=0, not at all.
  if (enabledFromEnv(process.env) === false) return (_c, next) => next();
  return async function sparkHono(c, next) {
    try {
      await next();
    } catch (error) {
      // Only what is not an Error gets past Hono's own handler: record it, and let it go on.
      if (spark.enabled) {
        markHandled(c.req.raw);
        report(() => describe(c, error, 500, undefined, options));
      }
      throw error;
    }
    if (c.error === undefined || !spark.enabled) return;
    const error = c.error;
    markHandled(c.req.raw);
    const body = await cachedBody(c);
    report(() => describe(c, error, c.res.status, body, options));
  };
}

function describe(
  c: Context,
  error: unknown,
  status: number,
  body: unknown,
  options: IntegrationOptions<Context>,
): RequestFailure {
  return {
    framework: "hono",
    method: c.req.method,
    // After `next()`, the route index points at the handler that ran last: the one that failed.
    pattern: c.req.matchedRoutes[c.req.routeIndex]?.path,
    path: c.req.path,
    status,
    requestId: requestIdOf(options.requestId, c, () => [c.get("requestId"), c.req.header("x-request-id")]),
    error,
    feature: featureOf(options, c),
    params: c.req.param(),
    query: c.req.query(),
    body,
  };
}

/** The body as the handler read it through Hono (`c.req.json()`, `parseBody()`), if it did. */
async function cachedBody(c: Context): Promise<unknown> {
  try {
    const cache = c.req.bodyCache as Record<string, unknown>;
    const read = cache.json ?? cache.parsedBody ?? cache.text;
    if (read === undefined) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, BODY_WAIT_MS, undefined);
    });
    const value = await Promise.race([Promise.resolve(read).catch(() => undefined), late]);
    clearTimeout(timer);
    if (typeof value === "string" && /json/.test(c.req.header("content-type") ?? "")) return JSON.parse(value);
    return value;
  } catch {
    return undefined;
  }
}
