import type { SparkEvent } from "./event-schema.js";
import { fingerprint } from "./fingerprint.js";

/** Events that share a fingerprint: one problem, seen `count` times. */
export interface EventGroup {
  fingerprint: string;
  type: string;
  count: number;
  /** ISO timestamps of the oldest and newest event in the group. */
  firstSeen: string;
  lastSeen: string;
  /** The newest event, shown whole. */
  example: SparkEvent;
  /** Every event id in the group, oldest first. */
  ids: string[];
}

/** The fingerprint of an event, computing one for events written without it. */
export function fingerprintOf(event: SparkEvent): string {
  return (
    event.fingerprint ??
    fingerprint({
      type: event.type,
      feature: event.feature,
      route: event.route,
      command: event.command,
      error: event.error,
    })
  );
}

/** Groups events by fingerprint, ordered by when each problem was first seen. Pure. */
export function groupEvents(events: readonly SparkEvent[]): EventGroup[] {
  const sorted = [...events].sort((a, b) => compareTime(a, b));
  const groups = new Map<string, EventGroup>();
  for (const event of sorted) {
    const key = fingerprintOf(event);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        fingerprint: key,
        type: event.type,
        count: 1,
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        example: event,
        ids: [event.id],
      });
      continue;
    }
    group.count++;
    group.lastSeen = event.timestamp;
    group.example = event;
    group.ids.push(event.id);
  }
  return [...groups.values()];
}

function compareTime(a: SparkEvent, b: SparkEvent): number {
  const ta = Date.parse(a.timestamp);
  const tb = Date.parse(b.timestamp);
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
