import type { Reporter } from "./reporter.js";

/** A `Bun.serve` `error` handler: gets what a route or `fetch` threw, may answer with a Response. */
export type ServeErrorHandler = (error: Error) => Response | Promise<Response> | undefined | Promise<undefined>;

/**
 * Wraps (or stands in for) `Bun.serve`'s `error` handler, which sees every throw of `fetch` and
 * of the `routes` handlers. Bun passes the error alone, without the request, so the event has
 * the error and no route; an error the fetch wrapper already reported (with its route) is not
 * reported again. Without a handler of the app's, Bun's own error response is kept.
 */
export function wrapServeError<H extends ServeErrorHandler>(handler: H | undefined, reporter: Reporter): H {
  const wrapped = function sparkServeError(this: unknown, error: Error) {
    try {
      if (!(typeof error === "object" && error !== null && reporter.thrown?.has(error))) {
        reporter.capture({ status: 500, error, framework: { name: "bun" } });
      }
    } catch {
      // Never into the app.
    }
    return handler ? handler.call(this, error) : undefined;
  };
  return wrapped as H;
}
