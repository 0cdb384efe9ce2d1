import type { EventInput } from "../bus/build-event.js";

export type { EventInput };

/** What `spark.captureServerError` takes: the failing request and what went wrong. */
export interface ServerErrorInput {
  /** The feature (use case) that failed, e.g. `create-user`. */
  feature?: string | undefined;
  /** `METHOD /path`, e.g. `POST /users`. */
  route?: string | undefined;
  /** HTTP status sent (default 500). */
  status?: number | undefined;
  /** The app's request id; it becomes the event's `traceId`. */
  requestId?: string | undefined;
  /** What was thrown. */
  error?: unknown;
  /** The request input (body, params): redacted before it is written. */
  input?: unknown;
  /** Set by the framework integrations: which one saw the error, and what else it knew. */
  framework?: { name: string; [fact: string]: unknown } | undefined;
}

/** Options for the handler wrappers. */
export interface WrapOptions<Req> {
  /** Names the feature a request belongs to (default: none, the route is used). */
  feature?: string | ((request: Req) => string | undefined);
}

/** Options for the framework integrations (`manifest-spark/express`, `/fastify`, …). */
export interface IntegrationOptions<Req> extends WrapOptions<Req> {
  /** The app's request id, when Spark does not find it where the usual middlewares put it. */
  requestId?: (request: Req) => string | undefined;
}

/** The loaded emitter (internal): everything below only runs when Spark is on. */
export interface EmitterCore {
  readonly enabled: boolean;
  emit(input: EventInput): string | undefined;
  captureServerError(input: ServerErrorInput): string | undefined;
  installProcessHooks(): void;
}

/** Options for `spark.configure`, all optional. */
export interface EmitterOptions {
  /** Project root holding `config/spark.ts` and `.spark/` (default: found from the cwd). */
  root?: string;
  /** App name recorded in `source.app` (default: `name` from the root's package.json). */
  app?: string;
}
