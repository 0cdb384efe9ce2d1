import type { EventDetail } from "../../bus/format/detail.js";
import { formatEventDetail } from "../../bus/format/detail.js";
import type { TextStyle } from "../../bus/format/paint.js";
import type { AgentView } from "../../bus/snapshot.js";
import type { BoardGroup } from "./events-board.js";
import type { Popup } from "./state.js";
import { clean, clip, fit, type Line, wrapText } from "./text.js";

/** What `?` shows. */
export const HELP_LINES = [
  "Tab  Shift-Tab    next / previous pane",
  "↑ ↓  PgUp PgDn    select a row; in the conversation, scroll",
  "Home  End         first / last row; oldest / newest message",
  "Enter             open the selected event, agent, or run log",
  "i                 type to the agent: a prompt when it is idle,",
  "                  steering while it works (Enter sends, Esc leaves)",
  "p                 pause Spark, or resume it (manifest spark pause)",
  "a                 abort the agent's current run",
  "y  n              approve / deny the tool call that waits for a yes",
  "                  (tools: approve; the oldest one shown above the",
  "                  conversation)",
  "?                 this help (Esc closes a box)",
  "q  Ctrl-C         quit: presence removed, claims acked or released;",
  "                  in `manifest up`'s layout it closes the layout too",
  "",
  "Events are grouped by problem, with counts. held: pending while Spark",
  "is paused (by hand, while a human Pi session works, or with no model).",
];

/** The help box's content. */
export function helpPopup(): Popup {
  return { kind: "help", title: "Keys", lines: HELP_LINES, scroll: 0 };
}

const PLAIN: TextStyle = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  red: (t) => t,
  cyan: (t) => t,
};

/** A group's newest event whole, under how many there are and where (`detail` undefined: it moved away). */
export function eventPopup(group: BoardGroup, detail: EventDetail | undefined): Popup {
  const where = Object.entries(group.states)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  const head = [
    `${group.count} event${group.count === 1 ? "" : "s"} of this problem on disk: ${where}`,
    `first ${new Date(group.firstAt).toISOString()} · last ${new Date(group.lastAt).toISOString()}`,
    "",
  ];
  const body = detail
    ? formatEventDetail(detail, PLAIN)
    : ["The newest event of this group moved while it was being read: press Enter again."];
  return { kind: "event", title: `Event ${group.example.id}`, lines: [...head, ...body], scroll: 0 };
}

/** An agent's presence record as written. */
export function agentPopup(agent: AgentView): Popup {
  return { kind: "agent", title: `Agent ${agent.id}`, lines: JSON.stringify(agent, null, 2).split("\n"), scroll: 0 };
}

/** The end of a run's log, opened at its last line. */
export function logPopup(log: string, lines: string[]): Popup {
  return {
    kind: "log",
    title: `${log} (the end)`,
    lines: lines.length > 0 ? lines : ["(empty log)"],
    scroll: Number.MAX_SAFE_INTEGER,
  };
}

/** Box size for a screen: most of it, at least big enough to read. */
export function popupBox(
  screenWidth: number,
  screenHeight: number,
): { x: number; y: number; width: number; height: number } {
  const width = Math.max(10, Math.min(screenWidth - 2, 110));
  const height = Math.max(4, screenHeight - 2);
  return { x: Math.floor((screenWidth - width) / 2), y: 1, width, height };
}

/** The rows of the box body that fit, from a scroll position clamped to the content. */
export function clampScroll(scroll: number, lineCount: number, rows: number): number {
  return Math.max(0, Math.min(scroll, lineCount - rows));
}

/** A bordered box with the title on top, the visible lines, and where one is in them (pure). */
export function popupFrame(popup: Popup, width: number, height: number): { lines: Line[]; maxScroll: number } {
  const inner = width - 2;
  const rows = Math.max(1, height - 2);
  // Wrapped here, not when loaded: the width changes with the terminal.
  const lines = popup.lines.flatMap((l) => wrapText(l, inner - 1));
  const scroll = clampScroll(popup.scroll, lines.length, rows);
  const title = ` ${clip(clean(popup.title), inner - 4)} `;
  const top: Line = [{ text: `┌─${title}${"─".repeat(Math.max(0, inner - 1 - title.length))}┐`, style: "bold" }];
  const body = lines
    .slice(scroll, scroll + rows)
    .map((l): Line => [{ text: "│", style: "bold" }, ...fit([{ text: ` ${l}` }], inner), { text: "│", style: "bold" }]);
  while (body.length < rows)
    body.push([{ text: "│", style: "bold" }, { text: " ".repeat(inner) }, { text: "│", style: "bold" }]);
  const more = lines.length > rows ? ` ${scroll + 1}–${Math.min(lines.length, scroll + rows)} of ${lines.length} ` : "";
  const foot = ` Esc close${more ? ` ·${more}` : " "}`;
  const bottom: Line = [{ text: `└${clip(foot, inner).padStart(inner, "─")}┘`, style: "bold" }];
  return { lines: [top, ...body, bottom], maxScroll: Math.max(0, lines.length - rows) };
}
