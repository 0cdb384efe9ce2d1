import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isHandled } from "./handled-requests.js";
import { featureOf, type Reporter } from "./reporter.js";
import type { WrapOptions } from "./types.js";

type Listener<Req extends IncomingMessage, Res extends ServerResponse> = (request: Req, response: Res) => unknown;

/**
 * Wraps a `node:http` request listener. A throw (or a rejected promise) becomes a
 * `server-error` event and a plain 500 response instead of a crashed server; any response
 * that ends with a 5xx becomes an event too. The request id is read from `x-request-id`, or
 * made and set on the request headers so the app's own `captureServerError` calls reuse it:
 * a request the app reported itself is not reported again (one request, one event).
 * A 4xx the app sends (a validation error) is not a server error and writes nothing; a throw
 * is a 500 whatever it carries, so answer deliberate 4xx responses before they escape.
 */
export function wrapNodeHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  listener: Listener<Req, Res>,
  reporter: Reporter,
  options: WrapOptions<Req> = {},
): Listener<Req, Res> {
  return function sparkWrapped(this: unknown, request: Req, response: Res) {
    const requestId = ensureRequestId(request);
    const route = routeOf(request);
    const mark = reporter.ledger.mark();
    let reported = false;
    const report = (status: number, error: unknown) => {
      if (reported || reporter.ledger.capturedSince(requestId, mark) || isHandled(request)) return;
      reported = true;
      reporter.capture({
        feature: featureOf(options, request),
        route,
        requestId,
        input: queryOf(request),
        status,
        error,
      });
    };
    response.once("finish", () => {
      if (response.statusCode >= 500) report(response.statusCode, { message: `HTTP ${response.statusCode}` });
    });
    const fail = (error: unknown) => {
      report(500, error);
      if (!response.headersSent) {
        response.statusCode = 500;
        response.setHeader("content-type", "text/plain; charset=utf-8");
        response.end("Internal Server Error\n");
      } else if (!response.writableEnded) {
        response.destroy(error instanceof Error ? error : undefined);
      }
    };
    try {
      const result = listener.call(this, request, response);
      if (result && typeof (result as Promise<unknown>).then === "function")
        (result as Promise<unknown>).then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  };
}

function ensureRequestId(request: IncomingMessage): string {
  const header = request.headers["x-request-id"];
  const existing = Array.isArray(header) ? header[0] : header;
  if (existing) return existing;
  const id = randomUUID();
  request.headers["x-request-id"] = id;
  return id;
}

function routeOf(request: IncomingMessage): string {
  const path = (request.url ?? "/").split("?", 1)[0] ?? "/";
  return `${request.method ?? "GET"} ${path}`;
}

function queryOf(request: IncomingMessage): unknown {
  const query = (request.url ?? "").split("?")[1];
  if (!query) return undefined;
  return { query: Object.fromEntries(new URLSearchParams(query)) };
}
