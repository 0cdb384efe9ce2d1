import type { CaptureLedger } from "./capture-ledger.js";
import type { ServerErrorInput, WrapOptions } from "./types.js";

/** What a handler wrapper reports through. */
export interface Reporter {
  /** Writes one server-error event. */
  capture(input: ServerErrorInput): unknown;
  /** Requests the app already reported itself. */
  ledger: CaptureLedger;
  /** Keeps a capture made after the response visible to `spark.flush()`. */
  track?: (work: Promise<unknown>) => void;
  /** Errors a wrapper reported as they were thrown, so the next one up does not report them again. */
  thrown?: WeakSet<object>;
}

/** The feature a request belongs to, from the wrapper's options; a throwing namer names none. */
export function featureOf<Req>(options: WrapOptions<Req>, request: Req): string | undefined {
  try {
    return typeof options.feature === "function" ? options.feature(request) : options.feature;
  } catch {
    return undefined;
  }
}
