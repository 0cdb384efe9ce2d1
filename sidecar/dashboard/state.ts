import type { ApprovalView } from "../../bus/approval-rules.js";
import type { HoldState } from "../../bus/effective-pause.js";
import type { RunFact } from "../../bus/runs.js";
import type { AgentView } from "../../bus/snapshot.js";
import type { WatchOnly } from "../watch-only.js";
import type { ConversationLog } from "./conversation-log.js";
import type { EventBoard } from "./events-board.js";

/** The panes Tab moves between, in order. */
export const PANES = ["events", "agents", "runs", "conversation", "input"] as const;
export type PaneId = (typeof PANES)[number];

/** A box over the panes: the key list, one event whole, a log's tail, an agent's presence. */
export interface Popup {
  kind: "help" | "event" | "log" | "agent";
  title: string;
  lines: string[];
  /** First line shown. */
  scroll: number;
}

/** The input line: its text and the cursor (an index into the text). */
export interface InputState {
  text: string;
  cursor: number;
}

/** What the person is doing: which pane has the keys, what is selected, what is open. */
export interface UiState {
  focus: PaneId;
  /** Where Escape returns to from the input line. */
  lastPane: Exclude<PaneId, "input">;
  popup: Popup | undefined;
  input: InputState;
  /** Selected row of each list, by a key that survives reordering (group key, log path, agent id). */
  selected: { events: string | undefined; agents: string | undefined; runs: string | undefined };
  /** Lines scrolled up from the bottom of the conversation (0: following the newest). */
  scroll: number;
}

/** The fixed facts of this sidecar, shown in the header. */
export interface HostFacts {
  environment: string;
  behavior: string;
  model: string | undefined;
  watchOnly: WatchOnly | undefined;
  /** This process: its own presence is marked in the agents pane. */
  pid: number;
  /** q closes `manifest up`'s whole layout, not only the dashboard. */
  quitClosesLayout?: boolean;
}

/** Everything the screen is drawn from. */
export interface DashboardState {
  host: HostFacts;
  hold: HoldState;
  /** The manual pause, shown even when another cause holds (watch-only). */
  pausedBy: string | undefined;
  /** A problem the Spark extension reported in its status ("⚠ Spark is off: …"). */
  warning: string | undefined;
  busy: boolean;
  board: EventBoard;
  agents: AgentView[];
  runs: RunFact[];
  /** Tool calls waiting for a person's yes, oldest first (`y`/`n` answer the first). */
  approvals: ApprovalView[];
  log: ConversationLog;
  ui: UiState;
  now: number;
}

/** The UI at start-up: the events pane has the keys. */
export function initialUi(): UiState {
  return {
    focus: "events",
    lastPane: "events",
    popup: undefined,
    input: { text: "", cursor: 0 },
    selected: { events: undefined, agents: undefined, runs: undefined },
    scroll: 0,
  };
}
