import { approvalLines } from "./approvals-view.js";
import { headerLine, hintsLine, inputLine, statusLine, titleRun } from "./chrome-view.js";
import { conversationFrame, watchOnlyLines } from "./conversation-view.js";
import { eventRows, eventsSummary } from "./events-view.js";
import { computeLayout, type Layout } from "./layout.js";
import { listRows } from "./list-rows.js";
import { popupBox, popupFrame } from "./popup-view.js";
import { agentRow, liveAgents, runRow } from "./side-view.js";
import type { DashboardState } from "./state.js";
import { fit, type Line, overlay, width } from "./text.js";

/** A drawn screen, and what the keys need to know about it (how far things scroll, page sizes). */
export interface Frame {
  lines: Line[];
  layout: Layout;
  conversationMaxScroll: number;
  popupMaxScroll: number;
  popupRows: number;
}

/** A title run followed by a rule to `cells`. */
function ruled(title: Line, cells: number): Line {
  const w = width(title);
  return w >= cells ? fit(title, cells) : [...title, { text: "─".repeat(cells - w) }];
}

/** The whole screen as lines of styled text, exactly `width` × `height` (pure). */
export function renderScreen(state: DashboardState, screenWidth: number, screenHeight: number): Frame {
  const L = computeLayout(screenWidth, screenHeight);
  const { ui, board, now } = state;
  const held = state.hold.held;
  // Work that waits for an agent: the agents' join/leave notices are not counted.
  const pendingNotices = board.notices().pending;
  const waiting = board.totals().pending - pendingNotices;
  const lines: Line[] = [
    headerLine(state.host, L.width),
    statusLine(
      state.hold,
      waiting,
      state.pausedBy,
      state.host.watchOnly ? undefined : state.busy,
      state.warning,
      L.width,
    ),
  ];

  const eventsTitle = titleRun("Events", eventsSummary(board.totals(), held, pendingNotices), ui.focus === "events");
  const events = eventRows(board, held, ui.selected.events, ui.focus === "events", L.leftWidth, L.topRows, now);
  const agents = liveAgents(state.agents);
  if (L.rightWidth === 0) {
    lines.push(ruled(eventsTitle, L.width));
    for (let i = 0; i < L.topRows; i++) lines.push(fit(events[i] ?? [], L.width));
  } else {
    const agentLines = listRows(
      agents,
      (a) => a.id,
      (a) => agentRow(a, state.host.pid, L.rightWidth, now),
      ui.selected.agents,
      ui.focus === "agents",
      L.agentRows,
      "no live agent",
      L.rightWidth,
    );
    const runLines = listRows(
      state.runs,
      (r) => r.log,
      (r) => runRow(r, L.rightWidth, now),
      ui.selected.runs,
      ui.focus === "runs",
      L.runRows,
      "no runs in the last hour",
      L.rightWidth,
    );
    const failed = state.runs.filter((r) => r.status === "failed").length;
    const runsTitle = titleRun("Runs", failed > 0 ? `${failed} failed` : "", ui.focus === "runs");
    lines.push([
      ...ruled(eventsTitle, L.leftWidth),
      { text: "┬" },
      ...ruled(titleRun("Agents", `${agents.length} live`, ui.focus === "agents"), L.rightWidth),
    ]);
    for (let i = 0; i < L.topRows; i++) {
      const left = fit(events[i] ?? [], L.leftWidth);
      if (i === L.agentRows) {
        lines.push([...left, { text: "├" }, ...ruled(runsTitle, L.rightWidth)]);
        continue;
      }
      const right = i < L.agentRows ? agentLines[i] : runLines[i - L.agentRows - 1];
      lines.push([...left, { text: "│" }, ...fit(right ?? [], L.rightWidth)]);
    }
  }

  const pinned = [
    ...approvalLines(state.approvals, L.width),
    ...(state.host.watchOnly ? watchOnlyLines(state.host.watchOnly, L.width) : []),
  ];
  const convo = conversationFrame(state.log.entries(), L.width, L.conversationRows, ui.scroll, pinned);
  const convoDetail = ui.scroll > 0 ? `scrolled up ${ui.scroll} line${ui.scroll === 1 ? "" : "s"} · End: newest` : "";
  const convoTitle = ruled(titleRun("Conversation", convoDetail, ui.focus === "conversation"), L.leftWidth);
  lines.push(
    L.rightWidth === 0
      ? ruled(convoTitle, L.width)
      : [...convoTitle, { text: "┴" }, { text: "─".repeat(L.rightWidth) }],
  );
  for (let i = 0; i < L.conversationRows; i++) lines.push(fit(convo.lines[i] ?? [], L.width));

  lines.push(inputLine(ui.input, ui.focus === "input", state.busy, state.host.watchOnly !== undefined, L.width));
  lines.push(hintsLine(ui.focus, ui.popup, L.width, state.host.quitClosesLayout ? "close all" : "quit"));

  let popupMaxScroll = 0;
  let popupRows = 0;
  let out = lines;
  if (ui.popup) {
    const box = popupBox(L.width, L.height);
    const drawn = popupFrame(ui.popup, box.width, box.height);
    popupMaxScroll = drawn.maxScroll;
    popupRows = box.height - 2;
    out = overlay(lines, drawn.lines, box.x, box.y);
  }
  return { lines: out, layout: L, conversationMaxScroll: convo.maxScroll, popupMaxScroll, popupRows };
}
