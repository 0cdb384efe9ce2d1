import { DELIVERED_ENTRY } from "./context.js";

/** The shape of a session entry as far as Spark cares. */
interface EntryLike {
  type: string;
  customType?: string;
  data?: unknown;
}

/**
 * The ids of every event this session was already given, from its `spark-delivered`
 * entries: after a crash between injection and ack the same events come back, and these
 * ids let the sidecar recognise and skip them. Pure.
 */
export function deliveredIds(entries: readonly EntryLike[]): Set<string> {
  const ids = new Set<string>();
  for (const entry of entries) {
    if (entry.type !== "custom" || entry.customType !== DELIVERED_ENTRY) continue;
    const data = entry.data as { ids?: unknown } | undefined;
    if (!Array.isArray(data?.ids)) continue;
    for (const id of data.ids) if (typeof id === "string") ids.add(id);
  }
  return ids;
}
