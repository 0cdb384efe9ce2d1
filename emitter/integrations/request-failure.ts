import type { ServerErrorInput } from "../types.js";

/**
 * What a framework integration learned about one failed request, as plain data. Pure: the
 * integrations gather it from the framework's objects (each in its own way) and this file
 * decides, the same way for all of them, whether it is a server error and what event it makes.
 */
export interface RequestFailure {
  /** `express`, `fastify`, `hono`, `koa`, `next`, `bun`. */
  framework: string;
  method: string | undefined;
  /** The route pattern the framework matched (`/users/:id`), when it matched one. */
  pattern: string | undefined;
  /** The request path without its query: the route when no pattern matched. */
  path: string | undefined;
  /** The status the client got, or undefined when the framework does not say. */
  status: number | undefined;
  /** The response had started (headers sent) before the error: the client saw a broken answer. */
  responseStarted?: boolean | undefined;
  requestId: string | undefined;
  error: unknown;
  feature?: string | undefined;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  /** Framework facts worth an agent's reading (Next's route type, the error digest…). */
  details?: Record<string, unknown> | undefined;
}

/** The facts an integration adds to the event, under `framework`. */
export interface FrameworkFacts {
  name: string;
  responseStarted?: true;
  [fact: string]: unknown;
}

/** The HTTP status an error asks for (`status` or `statusCode`, as http-errors and Fastify set). */
export function statusOfError(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === "number" ? e.status : e.statusCode;
  return typeof status === "number" && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

const isClientError = (status: number | undefined) => status !== undefined && status >= 400 && status < 500;

/**
 * A deliberate client error (`HttpError(404)`, a validation 400, an app that answers 4xx) is
 * the app working as meant, not a server error. An error thrown after the response started
 * is always one: whatever status went out, the client got a broken answer.
 */
export function isDeliberate(failure: RequestFailure): boolean {
  if (isClientError(statusOfError(failure.error))) return true;
  return !failure.responseStarted && isClientError(failure.status);
}

/**
 * The status recorded: what the client got when that was a server error, else 500 (the
 * response had started with a 2xx, or the app swallowed the error into a success).
 */
export function recordedStatus(failure: RequestFailure): number {
  const status = failure.status ?? statusOfError(failure.error);
  return status !== undefined && status >= 500 ? status : 500;
}

/** The event's `route`: the method and the pattern (one fingerprint per route), else the path. */
export function routeOf(failure: Pick<RequestFailure, "method" | "pattern" | "path">): string | undefined {
  const where = failure.pattern ?? failure.path;
  if (!failure.method) return where;
  return where ? `${failure.method.toUpperCase()} ${where}` : failure.method.toUpperCase();
}

/** What `captureServerError` gets for a failure, or undefined when it is no server error. */
export function serverErrorOf(failure: RequestFailure): ServerErrorInput | undefined {
  if (isDeliberate(failure)) return undefined;
  const input: Record<string, unknown> = {};
  if (hasContent(failure.params)) input.params = plainData(failure.params);
  if (hasContent(failure.query)) input.query = plainData(failure.query);
  if (failure.body !== undefined && failure.body !== null && failure.body !== "") input.body = plainData(failure.body);
  const framework: FrameworkFacts = { name: failure.framework, ...failure.details };
  if (failure.responseStarted) framework.responseStarted = true;
  return {
    feature: failure.feature,
    route: routeOf(failure),
    status: recordedStatus(failure),
    requestId: failure.requestId,
    error: failure.error,
    input: Object.keys(input).length > 0 ? input : undefined,
    framework,
  };
}

/**
 * Parsed request data as it is; a body that is still a stream (or any event emitter) by its
 * name, since it would only fill the event with the stream's internals. Buffers and the rest
 * are the redactor's to describe.
 */
export function plainData(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const v = value as { pipe?: unknown; on?: unknown; constructor?: { name?: string } };
  if (typeof v.pipe === "function" || typeof v.on === "function") return `[${v.constructor?.name || "stream"}]`;
  return value;
}

function hasContent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** The first usable id among the candidates (a non-empty string, or a number as text). */
export function firstRequestId(...candidates: unknown[]): string | undefined {
  for (const c of candidates) {
    const value = Array.isArray(c) ? c[0] : c;
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** The path part of a request URL (no query, no fragment). */
export function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** The query of a request URL as an object (repeated keys keep their last value). */
export function queryOf(url: string | undefined): Record<string, string> | undefined {
  const start = url?.indexOf("?") ?? -1;
  if (url === undefined || start === -1) return undefined;
  const query = Object.fromEntries(new URLSearchParams(url.slice(start + 1).split("#", 1)[0]));
  return Object.keys(query).length > 0 ? query : undefined;
}

/**
 * The request id: the app's own reader first, then the usual places in order. A reader or a
 * getter that throws counts as no id: the event is still written, with a fresh trace id.
 */
export function requestIdOf<Req>(
  read: ((request: Req) => string | undefined) | undefined,
  request: Req,
  usual: () => unknown[],
): string | undefined {
  try {
    const own = read?.(request);
    if (own) return firstRequestId(own);
  } catch {
    // Fall through to the usual places.
  }
  try {
    return firstRequestId(...usual());
  } catch {
    return undefined;
  }
}
