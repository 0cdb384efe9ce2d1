/**
 * `manifest-spark/fastify`: a Fastify 5 plugin. `await app.register(sparkFastify)` before the
 * routes adds one `onError` hook that records the error itself with the route pattern
 * (`request.routeOptions.url`) and `request.id` as the trace id. Nothing of Fastify is
 * imported: the app passes its instance in.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { enabledFromEnv } from "../../bus/env-switch.js";
import { markHandled } from "../handled-requests.js";
import { spark } from "../index.js";
import { featureOf } from "../reporter.js";
import type { IntegrationOptions } from "../types.js";
import { reportWhenClosed } from "./report.js";
import { pathOf, requestIdOf } from "./request-failure.js";

/** What Spark reads of Fastify's request. */
export interface FastifyRequestLike {
  id?: unknown;
  method: string;
  url: string;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  routeOptions?: { url?: string | undefined } | undefined;
  raw: IncomingMessage;
}

/** What Spark reads of Fastify's reply. */
export interface FastifyReplyLike {
  raw: ServerResponse;
}

type OnErrorHook = (request: FastifyRequestLike, reply: FastifyReplyLike, error: unknown, done: () => void) => void;

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: "onError", hook: OnErrorHook): unknown;
}

/** A Fastify plugin (callback style), as `app.register` takes it. */
export type SparkFastifyPlugin = (
  instance: FastifyInstanceLike,
  options: IntegrationOptions<FastifyRequestLike>,
  done: (error?: Error) => void,
) => void;

/**
 * The plugin. Its hook is added to the instance that registers it, not to a child context of
 * its own (what `fastify-plugin` does, without depending on it), so errors from every route
 * and child plugin registered after it are seen.
 */
export const sparkFastify: SparkFastifyPlugin = function sparkFastify(instance, options, done) {
  // Spark's core loads on the first error, not here: loaded at start-up beside this hook, the
  // process served every request ~15 % slower (bench frameworks), though the hook never ran.
  if (enabledFromEnv(process.env) !== false) {
    instance.addHook("onError", (request, reply, error, hookDone) => {
      if (!spark.enabled) return hookDone();
      markHandled(request.raw);
      reportWhenClosed(reply.raw, () => ({
        framework: "fastify",
        method: request.method,
        pattern: request.routeOptions?.url,
        path: pathOf(request.url),
        responseStarted: reply.raw.headersSent,
        requestId: requestIdOf(options?.requestId, request, () => [request.id]),
        error,
        feature: featureOf(options ?? {}, request),
        params: request.params,
        query: request.query,
        body: request.body,
      }));
      hookDone();
    });
  }
  done();
};

const meta = sparkFastify as unknown as Record<symbol, unknown>;
meta[Symbol.for("skip-override")] = true;
meta[Symbol.for("fastify.display-name")] = "manifest-spark";
meta[Symbol.for("plugin-meta")] = { name: "manifest-spark", fastify: "5.x" };

export default sparkFastify;
