/**
 * A quick check of an event against `eventSchema`, without zod. Every bus reader validates
 * every file it takes, and a relayed event is validated three times on its way (A's relay,
 * C's relay, C's sidecar). zod spends 2 µs on one in a warm loop, but 90–110 µs in a process
 * that woke for it, which is how the bus runs: one error, then quiet. This check spends 10.
 *
 * It only ever says "certainly valid". Whatever it does not accept goes to zod, which decides
 * and says why; so it may be stricter than the schema, never looser. `test/event-quick-check`
 * holds it to that over a corpus, and fails when the schema gains a field this file lacks.
 * Pure.
 */
import * as z from "zod/mini";
import { EVENT_TYPE_PATTERN } from "./event-name.js";
import { ERROR_EVENT_TYPES } from "./event-schema.js";

/** zod's own pattern for `z.iso.datetime({ offset: true })`, so both accept the same strings. */
const ISO_DATETIME = z.regexes.datetime({ offset: true, local: false, precision: null });

type Check = (value: unknown) => boolean;

/** The fields of one object in the schema: a check for each, and the ones it must have. */
export interface Shape {
  readonly fields: Readonly<Record<string, Check>>;
  readonly required: readonly string[];
}

const isString: Check = (value) => typeof value === "string";
const isNumber: Check = (value) => typeof value === "number" && Number.isFinite(value);

/**
 * A plain object as zod's `looseObject` keeps it. An own `__proto__` key (JSON.parse makes
 * one) is something zod drops, so such an object is left to zod.
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Object.hasOwn(value, "__proto__");
}

/** Whether `value` is a plain object whose fields pass `shape` (absent optional fields pass). */
function passesShape(value: unknown, shape: Shape): value is Record<string, unknown> {
  if (!isPlainRecord(value)) return false;
  for (const key of shape.required) if (value[key] === undefined) return false;
  for (const key in shape.fields) {
    const field = value[key];
    if (field !== undefined && !shape.fields[key]?.(field)) return false;
  }
  return true;
}

const SOURCE: Shape = { fields: { host: isString, pid: isNumber, app: isString }, required: ["host", "pid"] };

const ERROR: Shape = {
  fields: {
    message: isString,
    stack: isString,
    name: isString,
    code: (value) => typeof value === "string" || isNumber(value),
  },
  required: ["message"],
};

const REQUEST: Shape = { fields: { input: () => true }, required: [] };

const EVENT: Shape = {
  fields: {
    v: (value) => value === 1,
    id: (value) => typeof value === "string" && value.length > 0,
    type: (value) => typeof value === "string" && EVENT_TYPE_PATTERN.test(value),
    traceId: isString,
    timestamp: (value) => typeof value === "string" && ISO_DATETIME.test(value),
    environment: isString,
    source: (value) => passesShape(value, SOURCE),
    feature: isString,
    route: isString,
    status: isNumber,
    error: (value) => passesShape(value, ERROR),
    request: (value) => passesShape(value, REQUEST),
    command: isString,
    exitCode: (value) => value === null || isNumber(value),
    signal: (value) => value === null || typeof value === "string",
    logFile: isString,
    tail: isString,
    fingerprint: isString,
    runId: isString,
  },
  required: ["id", "type", "timestamp"],
};

/** The schema's objects, each field with a check at least as strict as the schema's. */
export const QUICK_CHECK_SHAPES: Readonly<Record<"event" | "source" | "error" | "request", Shape>> = {
  event: EVENT,
  source: SOURCE,
  error: ERROR,
  request: REQUEST,
};

/** True only when `event` certainly passes `eventSchema`, and zod would return an equal value (its keys perhaps in another order). */
export function passesQuickCheck(event: unknown): event is Record<string, unknown> {
  if (!passesShape(event, EVENT)) return false;
  return event.error !== undefined || !ERROR_EVENT_TYPES.has(event.type as string);
}
