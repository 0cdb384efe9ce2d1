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

const isString: Check = (value) => typeof value === "string";
const isNumber: Check = (value) => typeof value === "number" && Number.isFinite(value);

/**
 * A plain object as zod's `looseObject` keeps it. An own `__proto__` key (JSON.parse makes
 * one) is something zod drops, so such an object is left to zod.
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Object.hasOwn(value, "__proto__");
}

/** Each field of the schema and a check at least as strict as the schema's. */
export const QUICK_CHECKED_FIELDS: Readonly<Record<string, Check>> = {
  v: (value) => value === 1,
  id: (value) => typeof value === "string" && value.length > 0,
  type: (value) => typeof value === "string" && EVENT_TYPE_PATTERN.test(value),
  traceId: isString,
  timestamp: (value) => typeof value === "string" && ISO_DATETIME.test(value),
  environment: isString,
  source: (value) =>
    isPlainRecord(value) &&
    typeof value.host === "string" &&
    isNumber(value.pid) &&
    (value.app === undefined || typeof value.app === "string"),
  feature: isString,
  route: isString,
  status: isNumber,
  error: (value) =>
    isPlainRecord(value) &&
    typeof value.message === "string" &&
    (value.stack === undefined || typeof value.stack === "string") &&
    (value.name === undefined || typeof value.name === "string") &&
    (value.code === undefined || typeof value.code === "string" || isNumber(value.code)),
  request: isPlainRecord,
  command: isString,
  exitCode: (value) => value === null || isNumber(value),
  signal: (value) => value === null || typeof value === "string",
  logFile: isString,
  tail: isString,
  fingerprint: isString,
  runId: isString,
};

const REQUIRED = ["id", "type", "timestamp"] as const;
const FIELDS = Object.entries(QUICK_CHECKED_FIELDS);

/** True only when `event` certainly passes `eventSchema`, and zod would return an equal value (its keys perhaps in another order). */
export function passesQuickCheck(event: unknown): event is Record<string, unknown> {
  if (!isPlainRecord(event)) return false;
  for (const key of REQUIRED) if (event[key] === undefined) return false;
  for (const [key, check] of FIELDS) {
    const value = event[key];
    if (value !== undefined && !check(value)) return false;
  }
  return event.error !== undefined || !ERROR_EVENT_TYPES.has(event.type as string);
}
