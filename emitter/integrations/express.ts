/**
 * `manifest-spark/express`: Express 4 and 5. `app.use(sparkErrorHandler())` after the routes
 * records the error itself (name, message, stack) with the route pattern, and hands it on with
 * `next(error)`, so the app's own error handling runs exactly as before. Nothing of Express is
 * imported: the app passes its objects in.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { enabledFromEnv } from "../../bus/env-switch.js";
import { markHandled } from "../handled-requests.js";
import { spark } from "../index.js";
import { featureOf } from "../reporter.js";
import type { IntegrationOptions } from "../types.js";
import { reportWhenClosed } from "./report.js";
import { pathOf, type RequestFailure, requestIdOf } from "./request-failure.js";
import { mountPrefix, paramsFromPattern } from "./route-params.js";

/** What Spark reads of Express's request (all of it optional: Express adds it as it goes). */
export interface ExpressRequest extends IncomingMessage {
  route?: { path?: unknown } | undefined;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  originalUrl?: string;
  baseUrl?: string;
  /** Set by request-id middlewares (pino-http, express-request-id). */
  id?: unknown;
}

/** An Express error-handling middleware. */
export type ExpressErrorHandler = (
  error: unknown,
  request: ExpressRequest,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The error handler to add after the routes (`app.use(sparkErrorHandler())`). Express 4 does
 * not catch a rejected promise: pass it on with `next(error)` (Express 5 does it for you).
 */
export function sparkErrorHandler(options: IntegrationOptions<ExpressRequest> = {}): ExpressErrorHandler {
  // Spark's core loads on the first error, not at start-up: a process that loaded it up front
  // served Fastify's successful requests ~15 % slower (bench frameworks); all integrations wait.
  const on = enabledFromEnv(process.env) !== false;
  // Four parameters: that is how Express tells an error handler from a middleware.
  return function sparkErrorHandler(error, request, response, next) {
    if (on && spark.enabled) {
      markHandled(request);
      reportWhenClosed(response, () => describe(error, request, response, options));
    }
    next(error);
  };
}

function describe(
  error: unknown,
  request: ExpressRequest,
  response: ServerResponse,
  options: IntegrationOptions<ExpressRequest>,
): Omit<RequestFailure, "status"> {
  const path = pathOf(request.originalUrl ?? request.url);
  const pattern = patternOf(request, path);
  const params = hasKeys(request.params) ? request.params : pattern && path && paramsFromPattern(pattern, path);
  return {
    framework: "express",
    method: request.method,
    pattern,
    path,
    responseStarted: response.headersSent,
    requestId: requestIdOf(options.requestId, request, () => [request.id, request.headers["x-request-id"]]),
    error,
    feature: featureOf(options, request),
    params: params || undefined,
    query: request.query,
    body: request.body,
  };
}

/**
 * The full pattern of the matched route. `req.route.path` is relative to the router that holds
 * it, and by the time an app-level error handler runs Express has reset `req.baseUrl`: the
 * mount point is read back from the URL (`/users/:id` seen at `/api/users/12` → `/api/users/:id`).
 */
function patternOf(request: ExpressRequest, path: string | undefined): string | undefined {
  const routePath = request.route?.path;
  if (routePath === undefined || routePath === null) return undefined;
  if (typeof routePath !== "string") return String(routePath);
  const prefix = request.baseUrl || (path !== undefined ? mountPrefix(routePath, path) : "") || "";
  return prefix !== "" && routePath === "/" ? prefix : `${prefix}${routePath}`;
}

function hasKeys(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}
