import { DELIVERED_ENTRY, MESSAGE_TYPES } from "./context.js";

/** The shape of a session entry as far as Spark cares. */
interface EntryLike {
  type: string;
  customType?: string;
  data?: unknown;
  details?: unknown;
}

/**
 * The ids of every event this session was already given, from its `spark-delivered`
 * entries: after a crash between injection and ack the same events come back, and these
 * ids let the sidecar recognise and skip them. Pure.
 */
export function deliveredIds(entries: readonly EntryLike[]): Set<string> {
  const ids = new Set<string>();
  for (const entry of entries) {
    // The ids entry, and (belt and braces) the events message itself, which carries them too.
    const carrier =
      entry.type === "custom" && entry.customType === DELIVERED_ENTRY
        ? entry.data
        : entry.type === "custom_message" && entry.customType === MESSAGE_TYPES.events
          ? entry.details
          : undefined;
    const list = (carrier as { ids?: unknown } | undefined)?.ids;
    if (!Array.isArray(list)) continue;
    for (const id of list) if (typeof id === "string") ids.add(id);
  }
  return ids;
}

/**
 * The key a delivery is remembered by: the event id, plus what makes a new hand-over of the
 * same event legitimate: a failed attempt recorded in it (`delivery.attempts`: its run ended in
 * an error before an answer) or a person's requeue (`requeued.at`). A crash's redelivery has
 * neither, and is recognised. Pure.
 */
export function deliveryKey(event: { id: string; requeued?: unknown; delivery?: unknown }): string {
  const at = (event.requeued as { at?: unknown } | undefined)?.at;
  const attempts = (event.delivery as { attempts?: unknown } | undefined)?.attempts;
  return `${event.id}${typeof at === "string" ? `@${at}` : ""}${typeof attempts === "number" ? `#${attempts}` : ""}`;
}
