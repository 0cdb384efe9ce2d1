import type { BusEntry } from "../../bus/browse.js";
import type { EventDetail } from "../../bus/format/detail.js";
import type { HostItem } from "../host.js";
import type { EventBoard } from "./events-board.js";
import type { EventsFeed } from "./events-feed.js";
import type { Facts, FactsFeed } from "./facts-feed.js";
import type { HostFacts } from "./state.js";

/**
 * Where a dashboard's data comes from and where its actions go: the local bus and the
 * sidecar's own Pi session (`local-source.ts`), or a bridge over HTTP and its event stream
 * (`bridge-source.ts`, for `manifest attach`). The dashboard draws the same panes and takes
 * the same keys from either.
 */
export interface DashboardSource {
  /** The header's facts (model, environment, behaviour, watch-only). */
  readonly facts: HostFacts;
  /** Whether the agent is working now. */
  busy(): boolean;
  /** The conversation, the status and the notices, in order (from the start of what is known). */
  subscribe(listener: (item: HostItem) => void): () => void;
  /** A person's message: a prompt when the agent is idle, steering while it works. */
  send(text: string): void;
  /** Pauses Spark by hand, or resumes it. */
  togglePause(by: string): Promise<"paused" | "resumed">;
  abort(): Promise<void>;
  /** Answers a tool call that waits for a person's yes; `text` says what happened, for the log. */
  answer(
    id: string,
    answer: "approve" | "deny",
    by: string,
    liveAgentIds: ReadonlySet<string>,
  ): Promise<{ ok: boolean; text: string }>;
  /** Follows the pause, the agents, the runs and the tool calls waiting for a yes. */
  startFacts(onChange: (facts: Facts) => void, onError: (error: unknown) => void): FactsFeed;
  /** Keeps the events board up to date. */
  startEvents(
    board: EventBoard,
    onChange: () => void,
    onRunEvent: () => void,
    onError: (error: unknown) => void,
  ): EventsFeed;
  /** One event whole; undefined when it moved away meanwhile. */
  eventDetail(entry: BusEntry): Promise<EventDetail | undefined>;
  /** The end of a run's log (`log` as the runs list names it). */
  logTail(log: string): Promise<string[]>;
  /** What leaving the dashboard does: the local sidecar shuts down; a remote one is only let go. */
  close(): Promise<void>;
  /** What `q` says it is doing. */
  readonly closing: string;
}
