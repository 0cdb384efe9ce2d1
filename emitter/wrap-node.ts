import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServerErrorInput, WrapOptions } from "./types.js";

type Capture = (input: ServerErrorInput) => unknown;
type Listener<Req extends IncomingMessage, Res extends ServerResponse> = (request: Req, response: Res) => unknown;

/**
 * Wraps a `node:http` request listener. A throw (or a rejected promise) becomes a
 * `server-error` event and a plain 500 response instead of a crashed server; any response
 * that ends with a 5xx becomes an event too. The request id is read from `x-request-id`, or
 * made and set on the request headers so the app's own `captureServerError` calls reuse it
 * (one request, one event).
 */
export function wrapNodeHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  listener: Listener<Req, Res>,
  capture: Capture,
  options: WrapOptions<Req> = {},
): Listener<Req, Res> {
  return function sparkWrapped(this: unknown, request: Req, response: Res) {
    const requestId = ensureRequestId(request);
    const route = routeOf(request);
    let failed = false;
    const facts = () => ({ feature: featureOf(options, request), route, requestId, input: queryOf(request) });
    response.once("finish", () => {
      if (!failed && response.statusCode >= 500) {
        capture({ ...facts(), status: response.statusCode, error: { message: `HTTP ${response.statusCode}` } });
      }
    });
    const fail = (error: unknown) => {
      failed = true;
      capture({ ...facts(), status: 500, error });
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

function featureOf<Req>(options: WrapOptions<Req>, request: Req): string | undefined {
  try {
    return typeof options.feature === "function" ? options.feature(request) : options.feature;
  } catch {
    return undefined;
  }
}
