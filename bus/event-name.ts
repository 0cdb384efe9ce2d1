import { randomBytes } from "node:crypto";

/** Event types: `server-error`, `process-error`, … or any lower-case kebab name. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

const NAME_PATTERN = /^(\d{13})-(\d{6})-([a-z][a-z0-9-]{0,63})-(\d+)-([0-9a-f]{8})$/;

/** The parts of a protocol event name. */
export interface EventNameParts {
  /** Unix milliseconds when the writer named the event. */
  readonly ms: number;
  readonly counter: number;
  readonly type: string;
  readonly pid: number;
  readonly random: string;
}

let counter = 0;

/**
 * A new event id: `<13-digit ms>-<6-digit per-process counter>-<type>-<pid>-<8 hex>`.
 * Lexical order is arrival order; the counter and the random part keep two writes in one
 * millisecond, from one process or many, apart.
 */
export function newEventId(type: string, now = Date.now(), pid = process.pid): string {
  if (!EVENT_TYPE_PATTERN.test(type)) {
    throw new TypeError(`event type "${type}" must match ${EVENT_TYPE_PATTERN} (lower-case kebab-case)`);
  }
  counter = (counter + 1) % 1_000_000;
  const ms = String(Math.max(0, Math.trunc(now))).padStart(13, "0");
  return `${ms}-${String(counter).padStart(6, "0")}-${type}-${pid}-${randomHex8()}`;
}

// Random bytes come from a pool: one call to the CSPRNG per 512 names, not one per name
// (it is a noticeable part of an emit otherwise).
let pool = Buffer.alloc(0);
let offset = 0;
function randomHex8(): string {
  if (offset + 4 > pool.length) {
    pool = randomBytes(2048);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + 4);
  offset += 4;
  return hex;
}

/** Parses an event id (file name without `.json`); undefined for a foreign name. */
export function parseEventId(id: string): EventNameParts | undefined {
  const m = NAME_PATTERN.exec(id);
  if (!m) return undefined;
  return {
    ms: Number(m[1]),
    counter: Number(m[2]),
    type: m[3] as string,
    pid: Number(m[4]),
    random: m[5] as string,
  };
}

/** `<id>.json` → `<id>`; undefined for names that are not `.json` files. */
export function idFromFileName(name: string): string | undefined {
  return name.endsWith(".json") && name.length > 5 ? name.slice(0, -5) : undefined;
}

/** The milliseconds encoded in an event file name, if it follows the protocol. */
export function timeFromFileName(name: string): number | undefined {
  const id = idFromFileName(name);
  return id === undefined ? undefined : parseEventId(id)?.ms;
}

/** The event type encoded in a file name, if it follows the protocol. */
export function typeFromFileName(name: string): string | undefined {
  const id = idFromFileName(name);
  return id === undefined ? undefined : parseEventId(id)?.type;
}
