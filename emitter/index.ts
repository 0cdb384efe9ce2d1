/**
 * `manifest-spark`: what an app imports. Costs nothing until used, and nothing at all when
 * `SPARK_ENABLED=0`: the bus code and the config loader are loaded on first use only.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { EventInput } from "../bus/build-event.js";
import type { SparkUserConfig } from "../bus/config-schema.js";
import { enabledFromEnv } from "../bus/env-switch.js";
import { CaptureLedger } from "./capture-ledger.js";
import type { EmitterCore, EmitterOptions, ServerErrorInput, WrapOptions } from "./types.js";
import { type FetchHandler, wrapFetch } from "./wrap-fetch.js";
import { wrapNodeHandler } from "./wrap-node.js";
import { type ServeErrorHandler, wrapServeError } from "./wrap-serve-error.js";

export type { SparkConfig } from "../bus/config-schema.js";
export type { EmitterOptions, EventInput, ServeErrorHandler, ServerErrorInput, SparkUserConfig, WrapOptions };

/** Identity helper that gives `config/spark.ts` its types. */
export function defineSparkConfig(config: SparkUserConfig): SparkUserConfig {
  return config;
}

interface EmitterState {
  core?: EmitterCore;
  /** Requests the app reported itself (the wrappers do not report them again). */
  ledger: CaptureLedger;
  options: EmitterOptions;
  /** Captures still being written off the request path (see `flush`). */
  inFlight: Set<Promise<unknown>>;
  /** Errors the fetch wrapper reported as they were thrown (Bun's `error` handler skips them). */
  thrown: WeakSet<object>;
}

// One state per process, even if two copies of the package are loaded.
const STATE_KEY = Symbol.for("manifest-spark.emitter");
const registry = globalThis as unknown as Record<symbol, EmitterState | undefined>;
registry[STATE_KEY] ??= { options: {}, inFlight: new Set(), ledger: new CaptureLedger(), thrown: new WeakSet() };
// A copy of an older version may have made the state without a ledger.
registry[STATE_KEY].ledger ??= new CaptureLedger();
registry[STATE_KEY].thrown ??= new WeakSet();
const state: EmitterState = registry[STATE_KEY];

const off: EmitterCore = {
  enabled: false,
  emit: () => undefined,
  captureServerError: () => undefined,
  installProcessHooks: () => {},
};

/** The emitter, loaded (synchronously, once) on first use. */
function core(): EmitterCore {
  if (state.core) return state.core;
  if (enabledFromEnv(process.env) === false) {
    state.core = off;
    return off;
  }
  try {
    // The built package ships the core beside this file; loading it lazily keeps apps
    // that never emit (or run with SPARK_ENABLED=0) free of it.
    const load = createRequire(import.meta.url)("./emitter-core.js") as typeof import("./core.js");
    state.core = load.createEmitterCore(state.options);
  } catch (error) {
    process.stderr.write(`[spark] Spark is off for this process: cannot load its core (${(error as Error).message})\n`);
    state.core = off;
  }
  return state.core;
}

/** The app-facing API. Every method is safe to call anywhere: none of them throws. */
export const spark = {
  /** True when events are being written (loads the config on first call). */
  get enabled(): boolean {
    return core().enabled;
  },

  /**
   * Sets the project root or app name. Call before anything else; later calls are ignored
   * once the emitter has loaded.
   */
  configure(options: EmitterOptions): void {
    if (!state.core) state.options = { ...state.options, ...options };
  },

  /** Writes one event (redacted, size-limited, atomic). Returns its id, or undefined. */
  emit(event: EventInput): string | undefined {
    try {
      return core().emit(event);
    } catch {
      return undefined;
    }
  },

  /** Records a failed request as a `server-error` event; `requestId` becomes its trace id. */
  captureServerError(input: ServerErrorInput): string | undefined {
    try {
      if (input.requestId) state.ledger.record(input.requestId);
      return core().captureServerError(input);
    } catch {
      return undefined;
    }
  },

  /**
   * Records uncaught exceptions and unhandled rejections as `unhandled-error` events; the
   * process still ends as it would have, after the event is on disk. Idempotent.
   */
  installProcessHooks(): void {
    try {
      core().installProcessHooks();
    } catch {
      // Never into the app.
    }
  },

  /**
   * Wraps a bare fetch-style handler (`Bun.serve`, Deno, workers): throws and 5xx responses
   * become events (4xx responses do not), with the raw URL as the route. A framework app should use its integration
   * instead (`manifest-spark/hono`, …): it sees the error the framework caught, and the route
   * pattern.
   */
  wrapFetch<H extends FetchHandler>(handler: H, options?: WrapOptions<Request>): H {
    core(); // load at start-up, not on the first failing request
    return wrapFetch(handler, { capture: wrapperCapture, ledger: state.ledger, track, thrown: state.thrown }, options);
  },

  /**
   * `Bun.serve({ error: spark.wrapServeError(handler?) })`: what `fetch` or a `routes` handler
   * threw becomes an event (Bun passes no request, so it has no route); the app's own handler,
   * if given, still answers.
   */
  wrapServeError<H extends ServeErrorHandler>(handler?: H): H {
    core();
    return wrapServeError(handler, { capture: wrapperCapture, ledger: state.ledger, thrown: state.thrown });
  },

  /**
   * Resolves once every capture still in progress is on disk (the fetch wrapper writes its
   * events just after the response). Useful before a short-lived process exits.
   */
  async flush(): Promise<void> {
    while (state.inFlight.size > 0) await Promise.all([...state.inFlight]);
  },

  /**
   * Wraps a bare `node:http` request listener: throws become a 500 and an event, 5xx responses
   * events, with the raw URL as the route. A framework app (Express, Fastify, Koa, Next) should
   * use its integration instead: a framework answers the throw itself, so a wrapper around it
   * sees only the status, never the error.
   */
  wrapNodeHandler<L extends (request: IncomingMessage, response: ServerResponse) => unknown>(
    listener: L,
    options?: WrapOptions<Parameters<L>[0]>,
  ): L {
    core();
    return wrapNodeHandler(listener, { capture: wrapperCapture, ledger: state.ledger }, options) as L;
  },
};

/** How the wrappers report: like captureServerError, but not noted as the app's own report. */
function wrapperCapture(input: ServerErrorInput): void {
  try {
    core().captureServerError(input);
  } catch {
    // Never into the app.
  }
}

function track(work: Promise<unknown>): void {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  state.inFlight.add(settled);
  void settled.then(() => state.inFlight.delete(settled));
}

export default spark;
