import { randomUUID } from "node:crypto";
import { isHandled } from "./handled-requests.js";
import { featureOf, type Reporter } from "./reporter.js";
import type { WrapOptions } from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: a fetch handler may take any extra arguments (Bun passes the server).
export type FetchHandler = (request: Request, ...rest: any[]) => Response | Promise<Response>;

const BODY_COPY_LIMIT = 64 * 1024;
const BODY_READ_TIMEOUT_MS = 100;

/**
 * Wraps a fetch-style handler (`Bun.serve`, Hono's `app.fetch`): a throw or a 5xx response
 * becomes a `server-error` event. Behaviour is unchanged: the response is returned and a
 * throw is rethrown at once; the event is written after, off the request's path. A request
 * the app reported itself (`captureServerError` with its request id) is not reported again.
 * A 4xx response (a validation error) is not a server error and writes nothing; a throw is
 * reported as a 500 whatever it carries, so return deliberate 4xx responses, never throw them.
 */
export function wrapFetch<H extends FetchHandler>(
  handler: H,
  reporter: Reporter,
  options: WrapOptions<Request> = {},
): H {
  const wrapped = async (request: Request, ...rest: unknown[]): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    const copy = smallBodyCopy(request);
    const mark = reporter.ledger.mark();
    const report = (status: number, error: unknown) => {
      if (reporter.ledger.capturedSince(requestId, mark) || isHandled(request)) return;
      const work = describeRequest(request, copy).then((facts) =>
        reporter.capture({
          feature: featureOf(options, request),
          route: facts.route,
          status,
          requestId,
          error,
          input: facts.input,
        }),
      );
      reporter.track?.(work);
    };
    try {
      const response = await handler(request, ...rest);
      if (response instanceof Response && response.status >= 500) {
        report(response.status, {
          message: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
        });
      }
      return response;
    } catch (error) {
      report(500, error);
      if (typeof error === "object" && error !== null) reporter.thrown?.add(error);
      throw error;
    }
  };
  return wrapped as H;
}

/** A copy of a small JSON or form body, taken before the handler consumes it. */
function smallBodyCopy(request: Request): Request | undefined {
  try {
    const type = request.headers.get("content-type") ?? "";
    const length = Number(request.headers.get("content-length") ?? "NaN");
    if (!request.body || !/json|form/.test(type) || !(length <= BODY_COPY_LIMIT)) return undefined;
    return request.clone();
  } catch {
    return undefined;
  }
}

async function describeRequest(
  request: Request,
  copy: Request | undefined,
): Promise<{ route: string; input: unknown }> {
  let route = request.method;
  const input: Record<string, unknown> = {};
  try {
    const url = new URL(request.url);
    route = `${request.method} ${url.pathname}`;
    if (url.searchParams.size > 0) input.query = Object.fromEntries(url.searchParams);
  } catch {
    // A relative or odd URL: keep the method alone.
  }
  if (copy) {
    const text = await Promise.race([
      copy.text().catch(() => undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), BODY_READ_TIMEOUT_MS).unref()),
    ]);
    if (text !== undefined) input.body = parseBody(text, copy.headers.get("content-type") ?? "");
  }
  return { route, input: Object.keys(input).length > 0 ? input : undefined };
}

function parseBody(text: string, type: string): unknown {
  try {
    if (type.includes("json")) return JSON.parse(text);
    if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  } catch {
    // Not what it claims to be: keep the text (it is redacted before it is written).
  }
  return text;
}
