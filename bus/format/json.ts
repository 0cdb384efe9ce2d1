import type { SparkEvent } from "../event-schema.js";
import type { EventGroup } from "../group.js";

/** A group as a stable JSON document (the example event included whole). */
export interface GroupJson {
  fingerprint: string;
  type: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  ids: string[];
  example: SparkEvent;
}

/** One event as a single JSON line (NDJSON), keys in protocol order. */
export function formatEventJson(event: SparkEvent): string {
  const { v, id, type, traceId, timestamp, environment, source, fingerprint, ...rest } = event;
  return JSON.stringify({ v: v ?? 1, id, type, traceId, timestamp, environment, source, fingerprint, ...rest });
}

/** Groups as plain JSON values, for `--json` output. */
export function groupsToJson(groups: readonly EventGroup[]): GroupJson[] {
  return groups.map((g) => ({
    fingerprint: g.fingerprint,
    type: g.type,
    count: g.count,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    ids: [...g.ids],
    example: g.example,
  }));
}
