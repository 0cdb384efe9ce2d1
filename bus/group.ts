import { eventKind } from "./event-kind.js";
import type { SparkEvent } from "./event-schema.js";
import { fingerprint } from "./fingerprint.js";

/**
 * How many occurrences an event stands for: 1, plus the `repeats.count` of a writer's summary
 * event (occurrences its budget counted instead of writing). Pure.
 */
export function occurrencesOf(event: Readonly<Record<string, unknown>>): number {
  const count = (event.repeats as { count?: unknown } | undefined)?.count;
  return 1 + (typeof count === "number" && Number.isInteger(count) && count > 0 ? count : 0);
}

/** Events that share a fingerprint: one problem, seen `count` times (summaries' repeats included). */
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
  /**
   * The `process-error`s that `manifest run` wrote for the runs these crashes ended, folded in:
   * one crash is one problem, not a crash and a failed command. Oldest first.
   */
  runs?: SparkEvent[];
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

/**
 * Groups events by fingerprint, ordered by when each problem was first seen. A failed
 * `manifest run` whose run also wrote an `unhandled-error` (the same `runId`) is folded into
 * that crash's group. Pure.
 */
export function groupEvents(events: readonly SparkEvent[]): EventGroup[] {
  const sorted = [...events].sort((a, b) => compareTime(a, b));
  const crashRuns = new Set(crashRunIds(sorted));
  const groups = new Map<string, EventGroup>();
  const groupOfRun = new Map<string, EventGroup>();
  const folded: SparkEvent[] = [];
  for (const event of sorted) {
    if (reportsCrashOf(event, crashRuns)) {
      folded.push(event);
      continue;
    }
    const key = fingerprintOf(event);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        fingerprint: key,
        type: event.type,
        count: occurrencesOf(event),
        firstSeen: event.timestamp,
        lastSeen: event.timestamp,
        example: event,
        ids: [event.id],
      });
    } else {
      group.count += occurrencesOf(event);
      group.lastSeen = event.timestamp;
      group.example = event;
      group.ids.push(event.id);
    }
    if (isCrash(event)) groupOfRun.set(event.runId, groups.get(key) as EventGroup);
  }
  for (const run of folded) {
    const group = groupOfRun.get(run.runId as string) as EventGroup;
    group.runs = [...(group.runs ?? []), run];
  }
  return [...groups.values()];
}

/** The run ids of the crashes among these events (`unhandled-error`s written inside `manifest run`). */
export function crashRunIds(events: readonly SparkEvent[]): string[] {
  return events.filter(isCrash).map((e) => e.runId);
}

/** Whether an event is `manifest run`'s report of a run whose crash is in `crashRuns`: the same crash. */
export function reportsCrashOf(event: SparkEvent, crashRuns: ReadonlySet<string>): boolean {
  return (
    event.type === "process-error" &&
    event.runId !== undefined &&
    crashRuns.has(event.runId) &&
    eventKind(event) === "failure"
  );
}

/** An `unhandled-error` written inside a `manifest run` (it knows its run's id). */
function isCrash(event: SparkEvent): event is SparkEvent & { runId: string } {
  return event.type === "unhandled-error" && typeof event.runId === "string" && event.runId !== "";
}

function compareTime(a: SparkEvent, b: SparkEvent): number {
  const ta = Date.parse(a.timestamp);
  const tb = Date.parse(b.timestamp);
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
