/**
 * Bus entry ⇄ JetStream message, pure. An event file `<id>.json` travels as one message on
 * `spark.<project>.events.<type>`, its file name as `Nats-Msg-Id` (so a second publish of the
 * same file, after a crash between the hub's ack and the local ack, is dropped by the hub's
 * duplicate window), its body the event redacted once more with this machine's keys and marked
 * with the machine it left (`relay.from`). The receiving side trusts none of it: the name, the
 * size and the body are checked as a reader checks a file, and redacted again.
 */
import type { SparkEvent } from "../bus/event-schema.js";
import { LIMITS } from "../bus/limits.js";
import { parseEventBytes } from "../bus/read-event.js";
import { redactValue } from "../bus/redact.js";
import { eventSubject } from "./names.js";

/** The largest message the relay sends or takes: the bus reader's limit (the hub allows 1 MB). */
export const MAX_MESSAGE_BYTES = LIMITS.readerMaxBytes - 4096;

/**
 * A name safe to create in `events/`: no path separator, no leading dot, `.json`. Protocol
 * names match it, and so do the foreign names a reader accepts from a local writer.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.json$/;

/** What the relay publishes for one event file. */
export interface OutboundMessage {
  subject: string;
  /** The event's file name: the hub's duplicate key. */
  msgId: string;
  data: Uint8Array;
}

/** The marker a relay adds to the events it forwards. */
export interface RelayMark {
  /** The machine the event came from. */
  from: string;
}

/** The machine an event came from through the hub, if it did. Pure. */
export function relayedFrom(event: SparkEvent): string | undefined {
  const mark = (event as { relay?: unknown }).relay;
  const from = typeof mark === "object" && mark !== null ? (mark as { from?: unknown }).from : undefined;
  return typeof from === "string" ? from : undefined;
}

/** Whether `name` may be written into `events/` as it is. */
export function isSafeEventName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes("..");
}

/**
 * The message for a claimed event file, or why it cannot travel (the file then goes to
 * `rejected/`, like any file a reader cannot take).
 */
export function eventToMessage(
  name: string,
  event: SparkEvent,
  context: { project: string; machine: string; extraKeys?: readonly string[] },
): { ok: true; message: OutboundMessage } | { ok: false; reason: string } {
  if (!isSafeEventName(name)) return { ok: false, reason: `the file name "${name}" cannot travel to the hub` };
  const redacted = redactValue(event, { extraKeys: context.extraKeys ?? [] }) as Record<string, unknown>;
  const mark: RelayMark = { from: context.machine };
  const data = Buffer.from(JSON.stringify({ ...redacted, relay: mark }));
  if (data.byteLength > MAX_MESSAGE_BYTES) {
    return { ok: false, reason: `the event is ${data.byteLength} bytes, over the hub limit of ${MAX_MESSAGE_BYTES}` };
  }
  return { ok: true, message: { subject: eventSubject(context.project, event.type), msgId: name, data } };
}

/** A message from the hub, checked: the file to write, or why it is refused. */
export type InboundEvent = { ok: true; name: string; event: SparkEvent; json: string } | { ok: false; reason: string };

/**
 * Checks a message from the hub as a reader checks a file (safe name from `Nats-Msg-Id`, size,
 * UTF-8, JSON, schema, id = name, a machine mark) and redacts it with this machine's keys.
 */
export function messageToEvent(
  msgId: string | undefined,
  data: Uint8Array,
  context: { extraKeys?: readonly string[] } = {},
): InboundEvent {
  if (msgId === undefined || msgId === "")
    return { ok: false, reason: "the message has no Nats-Msg-Id (no event name)" };
  if (!isSafeEventName(msgId)) return { ok: false, reason: "the message's event name is not a safe file name" };
  if (data.byteLength > MAX_MESSAGE_BYTES) {
    return { ok: false, reason: `the message is ${data.byteLength} bytes, over the limit of ${MAX_MESSAGE_BYTES}` };
  }
  const read = parseEventBytes(data, msgId.slice(0, -".json".length));
  if (!read.ok) return { ok: false, reason: read.missing ? "empty message" : read.reason };
  if (relayedFrom(read.event) === undefined)
    return { ok: false, reason: "the event does not say which machine sent it" };
  const event = redactValue(read.event, { extraKeys: context.extraKeys ?? [] }) as SparkEvent;
  return { ok: true, name: msgId, event, json: `${JSON.stringify(event, null, 2)}\n` };
}
