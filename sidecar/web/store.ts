import { type Signal, signal } from "@preact/signals";
import type { HoldState } from "../../bus/effective-pause.js";
import type { StreamState } from "../bridge-client/stream.js";
import { type ConversationLog, createConversationLog } from "../dashboard/conversation-log.js";
import { createEventList, type EventList } from "./event-list.js";

/** What the page shows of Spark (`GET /starter/spark`, then the `pause`, `agents`, `status` events). */
export interface SparkView {
  enabled: boolean;
  environment: string;
  behavior: string;
  status: string | null;
  held: boolean;
  hold: HoldState;
  pausedBy: string | null;
  watchOnly: { reason?: string; howTo?: string[] } | null;
  agents: AgentWire[];
}

/** An agent's presence as the bridge sends it. */
export interface AgentWire {
  id: string;
  role: string;
  status: string;
  pid: number;
  alive: boolean;
  user?: string;
  startedAt?: string;
  task?: string;
}

/** The sidecar's agent (`GET /starter/state`). */
export interface AgentView {
  model: string | null;
  working: boolean;
  /** The app behind the bridge's proxy, when there is one. */
  app: { port: number; proxied: boolean } | null;
}

/** A tool call waiting for a person's yes (`tools: "approve"`), as the bridge lists it. */
export interface ApprovalWire {
  request: { id: string; tool: string; summary: string };
  state: string;
}

export interface Toast {
  id: number;
  type: string;
  message: string;
}

/** The inspect DB's three tables, or why they cannot be shown. */
export type InspectView =
  | { ok: true; integrations: unknown[]; services: unknown[]; assets: unknown[] }
  | { ok: false; message: string };

/** The page's state: signals the views read, and the two models they draw from. */
export interface Store {
  connection: Signal<{ state: StreamState; detail: string }>;
  spark: Signal<SparkView | undefined>;
  agent: Signal<AgentView | undefined>;
  /** Something the person should know about the stream or a call (a gap, a refused action). */
  notice: Signal<string | undefined>;
  events: EventList;
  /** Bumped when `events` changed. */
  eventsVersion: Signal<number>;
  log: ConversationLog;
  /** Bumped when `log` changed. */
  logVersion: Signal<number>;
  toasts: Signal<Toast[]>;
  /** Bumped to reload the app's frame (notify_dashboard with refreshIframe). */
  frameKey: Signal<number>;
  inspect: Signal<InspectView | undefined>;
  /** Tool calls waiting for a yes, oldest first. */
  approvals: Signal<ApprovalWire[]>;
}

export function createStore(): Store {
  return {
    connection: signal({ state: "connecting" as StreamState, detail: "" }),
    spark: signal<SparkView | undefined>(undefined),
    agent: signal<AgentView | undefined>(undefined),
    notice: signal<string | undefined>(undefined),
    events: createEventList(),
    eventsVersion: signal(0),
    log: createConversationLog(),
    logVersion: signal(0),
    toasts: signal<Toast[]>([]),
    frameKey: signal(0),
    inspect: signal<InspectView | undefined>(undefined),
    approvals: signal<ApprovalWire[]>([]),
  };
}
