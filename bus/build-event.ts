import { randomUUID } from "node:crypto";
import { newEventId } from "./event-name.js";
import type { SparkEvent } from "./event-schema.js";
import { fingerprint } from "./fingerprint.js";
import { LIMITS, shrinkValue, truncatedMarker, truncateHead, truncateTail } from "./limits.js";
import { redactText, redactValue } from "./redact.js";

/** What a writer supplies; the rest (`id`, `timestamp`, `fingerprint`, …) is filled in. */
export interface EventInput {
  type: string;
  traceId?: string | undefined;
  feature?: string | undefined;
  route?: string | undefined;
  status?: number | undefined;
  error?: unknown;
  request?: { input?: unknown } | undefined;
  command?: string | undefined;
  exitCode?: number | null | undefined;
  signal?: string | null | undefined;
  logFile?: string | undefined;
  tail?: string | undefined;
  /** Anything else is kept (redacted and size-limited). */
  [extra: string]: unknown;
}

/** Facts about the writer that every event carries. */
export interface WriterContext {
  environment: string;
  host: string;
  pid: number;
  app?: string | undefined;
  now?: number | undefined;
  /** Extra secret key names from config. */
  redactKeys?: readonly string[] | undefined;
}

/** A finished event and its serialised bytes, ready for the atomic write. */
export interface BuiltEvent {
  event: SparkEvent;
  json: string;
}

/**
 * Turns writer input into a protocol event: names it, redacts it (before anything is cut,
 * so a cut never leaves half a secret), applies the size limits and fingerprints it. Pure
 * apart from the clock and randomness.
 */
export function buildEvent(input: EventInput, ctx: WriterContext): BuiltEvent {
  const now = ctx.now ?? Date.now();
  const { type, error, request, tail, ...rest } = input;
  const redactOptions = { extraKeys: ctx.redactKeys ?? [] };
  const redacted = redactValue(rest, redactOptions) as Record<string, unknown>;

  const event: Record<string, unknown> = {
    v: 1,
    id: newEventId(type, now, ctx.pid),
    type,
    // From a client header, often: bounded and redacted like any string.
    traceId:
      typeof input.traceId === "string" && input.traceId !== ""
        ? redactText(input.traceId.slice(0, LIMITS.traceIdChars))
        : randomUUID(),
    timestamp: new Date(now).toISOString(),
    environment: ctx.environment,
    source: { host: ctx.host, pid: ctx.pid, ...(ctx.app ? { app: ctx.app } : {}) },
  };
  for (const [key, value] of Object.entries(redacted)) {
    if (key in event || value === undefined) continue;
    event[key] = typeof value === "string" ? truncateHead(value, LIMITS.stringBytes) : value;
  }
  const normalizedError = normalizeError(error, redactOptions.extraKeys);
  if (normalizedError) event.error = normalizedError;
  if (request !== undefined) {
    const safeInput = redactValue(request?.input, redactOptions);
    event.request = safeInput === undefined ? {} : { input: shrinkValue(safeInput, LIMITS.inputBytes) };
  }
  if (typeof tail === "string") {
    // Keep the end: pre-cut from the front, well beyond the final limit.
    const recent = tail.length > LIMITS.tailBytes * 8 ? tail.slice(-LIMITS.tailBytes * 8) : tail;
    event.tail = truncateTail(redactValue(recent, redactOptions) as string, LIMITS.tailLines, LIMITS.tailBytes);
  }
  event.fingerprint = fingerprint({
    type,
    feature: str(event.feature),
    route: str(event.route),
    command: str(event.command),
    error: normalizedError,
  });
  return { event: event as SparkEvent, json: fitFile(event) };
}

/** `{message, stack?, name?, code?}` from whatever was thrown, redacted and limited. */
export function normalizeError(
  error: unknown,
  extraKeys: readonly string[] = [],
): { message: string; stack?: string; name?: string; code?: string | number } | undefined {
  if (error === undefined || error === null) return undefined;
  let message: string;
  let stack: unknown;
  let name: unknown;
  let code: unknown;
  if (typeof error === "object") {
    const e = error as { message?: unknown; stack?: unknown; name?: unknown; code?: unknown };
    message = safeString(e.message ?? safeString(error));
    stack = e.stack;
    name = e.name ?? (error instanceof Error ? error.constructor.name : undefined);
    code = e.code;
  } else {
    message = safeString(error);
  }
  const out: { message: string; stack?: string; name?: string; code?: string | number } = {
    message: truncateHead(redactValue(message, { extraKeys }) as string, LIMITS.stringBytes),
  };
  if (typeof stack === "string")
    out.stack = truncateHead(redactValue(stack, { extraKeys }) as string, LIMITS.stackBytes);
  if (typeof name === "string") out.name = truncateHead(redactText(name), 200);
  if (typeof code === "number") out.code = code;
  else if (typeof code === "string") out.code = truncateHead(redactText(code), 200);
  return out;
}

/** Serialises `event` within the whole-file limit, cutting the largest optional parts first. */
function fitFile(event: Record<string, unknown>): string {
  let json = JSON.stringify(event);
  if (Buffer.byteLength(json) <= LIMITS.fileBytes) return json;
  const core = new Set(["v", "id", "type", "traceId", "timestamp", "environment", "source", "fingerprint", "error"]);
  const shrunk = shrinkValue(
    Object.fromEntries(Object.entries(event).filter(([k]) => !core.has(k))),
    LIMITS.fileBytes / 2,
  );
  const slim = { ...event, ...(typeof shrunk === "object" && shrunk !== null ? shrunk : {}) };
  json = JSON.stringify(slim);
  if (Buffer.byteLength(json) <= LIMITS.fileBytes) return json;
  const err = event.error as { message: string; stack?: string } | undefined;
  const minimal = {
    ...Object.fromEntries([...core].filter((k) => k in event).map((k) => [k, event[k]])),
    ...(err ? { error: { ...err, stack: err.stack ? truncateHead(err.stack, 4096) : undefined } } : {}),
    truncated: truncatedMarker(Buffer.byteLength(json)),
  };
  return JSON.stringify(minimal);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function safeString(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return String(v);
  } catch {
    return "[unprintable value]";
  }
}
