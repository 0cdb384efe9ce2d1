import type { BusChange } from "../../bus/bus-diff.js";
import type { HoldState } from "../../bus/effective-pause.js";
import { typeFromFileName } from "../../bus/event-name.js";
import type { SparkEvent } from "../../bus/event-schema.js";
import type { RunFact } from "../../bus/runs.js";
import type { AgentView } from "../../bus/snapshot.js";
import type { ReadOutcome } from "../dashboard/events-board.js";

/**
 * The bus as the bridge sends it: one `bus` event per file that appeared, moved or went
 * (with what the dashboard's events board keeps of it, so a remote board groups the same
 * way), `notification` for notices meant for people, and the slow facts (pause, agents, runs)
 * when they change. Pure.
 */

/** What happened to an event file, in a person's words. */
export type BusChangeName = "new" | "claimed" | "delivered" | "rejected" | "expired" | "released" | "gone";

export interface BusChangeWire {
  change: BusChangeName;
  kind: BusChange["kind"];
  id: string;
  name: string;
  /** Where it is now (absent when gone). */
  state?: string;
  from?: string;
  consumer?: string;
  /** The event type, from the file name (null for a foreign name). */
  type: string | null;
  /** What reading the file gave, when it was read (see `ReadOutcome`). */
  read?: ReadOutcome;
}

export function busChangeForWire(change: BusChange, read?: ReadOutcome): BusChangeWire {
  if (change.kind === "gone") {
    return {
      change: "gone",
      kind: "gone",
      id: change.name.replace(/\.json$/, ""),
      name: change.name,
      from: change.from,
      type: typeFromFileName(change.name) ?? null,
    };
  }
  const { entry } = change;
  const name: BusChangeName =
    entry.state === "pending" ? (change.kind === "moved" ? "released" : "new") : (entry.state as BusChangeName);
  return {
    change: name,
    kind: change.kind,
    id: entry.id,
    name: entry.name,
    state: entry.state,
    ...(change.kind === "moved" ? { from: change.from } : {}),
    ...(entry.consumer ? { consumer: entry.consumer } : {}),
    type: typeFromFileName(entry.name) ?? null,
    ...(read ? { read } : {}),
  };
}

/** A `notification` event as dashboards show it (the seed's `notify_dashboard` fields). */
export interface NotificationWire {
  id: string;
  message: string;
  type: string;
  refreshIframe: boolean;
  at: string;
  /** `people` when written for the dashboards (notify_dashboard). */
  audience: string | null;
}

export function notificationForWire(event: SparkEvent): NotificationWire {
  const e = event as SparkEvent & { message?: unknown; level?: unknown; refreshIframe?: unknown; audience?: unknown };
  return {
    id: event.id,
    message: typeof e.message === "string" ? e.message : (event.error?.message ?? ""),
    type: typeof e.level === "string" ? e.level : "info",
    refreshIframe: e.refreshIframe === true,
    at: event.timestamp,
    audience: typeof e.audience === "string" ? e.audience : null,
  };
}

/** Spark's hold as the bridge shows it. */
export interface PauseWire {
  held: boolean;
  hold: HoldState;
  /** Who paused by hand (a manual pause that is not stale), if anyone. */
  pausedBy: string | null;
}

/** An agent without the fields that change on every heartbeat (those would make news every 10 s). */
export function agentForWire(agent: AgentView): Record<string, unknown> {
  const { heartbeatAt: _beat, lastActivity: _activity, ...rest } = agent as AgentView & Record<string, unknown>;
  return rest;
}

export function runsForWire(runs: readonly RunFact[]): RunFact[] {
  return [...runs];
}
