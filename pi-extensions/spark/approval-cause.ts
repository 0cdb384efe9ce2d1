import { join } from "node:path";
import type { ApprovalCause, ApprovalEventRef } from "../../bus/approval-rules.js";
import { typeFromFileName } from "../../bus/event-name.js";
import { formatEventLine } from "../../bus/format/status-line.js";
import { type BusPaths, claimDir } from "../../bus/paths.js";
import { readEventFile } from "../../bus/read-event.js";
import { MESSAGE_TYPES } from "./context.js";

/** Events named in an approval request; the rest are counted. */
const MAX_REFS = 3;

/** The parts of a session entry these rules read. */
interface EntryLike {
  type: string;
  customType?: string;
  details?: unknown;
  message?: { role?: string };
}

/**
 * What led to the current work, from the session's branch (pure): the newest thing that
 * starts a turn is either a person's message or a Spark events message (with its ids).
 */
export function workCause(entries: readonly EntryLike[]): { kind: "events"; ids: string[] } | { kind: "prompt" } {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as EntryLike;
    if (e.type === "message" && e.message?.role === "user") return { kind: "prompt" };
    if (e.type === "custom_message" && e.customType === MESSAGE_TYPES.events) {
      const ids = (e.details as { ids?: unknown } | undefined)?.ids;
      return { kind: "events", ids: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : [] };
    }
  }
  return { kind: "prompt" };
}

/** Whether this session has been handed Spark events (`/spark take`, auto-inject, the sidecar). */
export function tookSparkEvents(entries: readonly EntryLike[]): boolean {
  return entries.some((e) => e.type === "custom_message" && e.customType === MESSAGE_TYPES.events);
}

/**
 * The cause as an approval request records it: the first events with a one-line description
 * each, read from this agent's claim folder (the run has not acked them yet) or `delivered/`.
 */
export function approvalCause(paths: BusPaths, agentId: string, entries: readonly EntryLike[]): ApprovalCause {
  const cause = workCause(entries);
  if (cause.kind === "prompt") return cause;
  const events = cause.ids.slice(0, MAX_REFS).map((id) => eventRef(paths, agentId, id));
  return { kind: "events", events, more: Math.max(0, cause.ids.length - events.length) };
}

function eventRef(paths: BusPaths, agentId: string, id: string): ApprovalEventRef {
  const name = `${id}.json`;
  for (const dir of [claimDir(paths, agentId), paths.delivered]) {
    const read = readEventFile(join(dir, name), name);
    if (read.ok) return { id, type: read.event.type, line: formatEventLine(read.event, 120) };
  }
  return { id, type: typeFromFileName(name) ?? "event", line: "" };
}
