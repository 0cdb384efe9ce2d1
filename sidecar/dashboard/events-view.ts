import type { EventState } from "../../bus/browse.js";
import { isAgentNotice } from "../../bus/event-schema.js";
import { shortAge } from "../../bus/format/ago.js";
import type { BoardGroup, EventBoard } from "./events-board.js";
import { listRows } from "./list-rows.js";
import { clean, clip, fit, type Line } from "./text.js";

const BADGE_WIDTH = 9;

/** How a group is labelled: where its most pressing event is (pending reads "held" while held). */
export function groupBadge(
  group: Pick<BoardGroup, "states"> & { type?: string },
  held: boolean,
): { text: string; style: string } {
  const s = group.states;
  if (s.claimed > 0) return { text: "claimed", style: "cyan-fg" };
  // An agent joining or leaving is news, never work held for an agent.
  if (s.pending > 0 && isAgentNotice(group.type)) return { text: "notice", style: "gray-fg" };
  if (s.pending > 0) return held ? { text: "held", style: "bold yellow-fg" } : { text: "pending", style: "bold" };
  if (s.delivered > 0) return { text: "delivered", style: "green-fg" };
  if (s.rejected > 0) return { text: "rejected", style: "red-fg" };
  return { text: "expired", style: "yellow-fg" };
}

/**
 * "3 held · 2 notices · 1 claimed · 12 delivered": every folder with something in it
 * (pending always). Pending agent notices are counted apart: they wait for nobody.
 */
export function eventsSummary(totals: Readonly<Record<EventState, number>>, held: boolean, pendingNotices = 0): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const parts = [`${n(totals.pending - pendingNotices)} ${held ? "held" : "pending"}`];
  if (pendingNotices > 0) parts.push(`${n(pendingNotices)} notice${pendingNotices === 1 ? "" : "s"}`);
  for (const state of ["claimed", "delivered", "rejected", "expired"] as const) {
    if (totals[state] > 0) parts.push(`${n(totals[state])} ${state}`);
  }
  return parts.join(" · ");
}

/** One group as a row: badge, count, the newest event's line, its age at the right edge. */
export function groupRow(group: BoardGroup, held: boolean, cells: number, now: number): Line {
  const badge = groupBadge(group, held);
  const count = group.count > 1 ? `×${group.count}` : "";
  const age = shortAge(now - group.lastAt);
  // Badge, a space, the count in 5, a space; the age and its space at the end.
  const room = Math.max(0, cells - BADGE_WIDTH - 7 - age.length - 1);
  return fit(
    [
      { text: badge.text.padEnd(BADGE_WIDTH), style: badge.style },
      { text: ` ${count.padStart(5)} `, style: "bold" },
      { text: clip(clean(group.line), room).padEnd(room) },
      { text: ` ${age}`, style: "gray-fg" },
    ],
    cells,
  );
}

/**
 * The rows of the events pane: groups newest first with the selected one highlighted (when
 * the pane has the keys), and a last row for what is counted but not grouped (pure).
 */
export function eventRows(
  board: EventBoard,
  held: boolean,
  selected: string | undefined,
  focused: boolean,
  cells: number,
  rows: number,
  now: number,
): Line[] {
  if (rows <= 0) return [];
  const groups = board.groups();
  const extra: Line[] = [];
  const ungrouped = board.ungrouped();
  const unread = board.unread();
  if (ungrouped > 0 || unread > 0) {
    const parts = [];
    if (unread > 0) parts.push(`reading ${unread.toLocaleString("en-US")}…`);
    if (ungrouped > 0) parts.push(`${ungrouped.toLocaleString("en-US")} more not grouped (too many at once)`);
    extra.push([{ text: clip(`… ${parts.join(" · ")}`, cells), style: "gray-fg" }]);
  }
  const room = groups.length === 0 ? rows - extra.length : Math.max(1, rows - extra.length);
  const list = listRows(
    groups,
    (g) => g.key,
    (g) => groupRow(g, held, cells, now),
    selected,
    focused,
    room,
    "No events yet: the app's 500s, crashes and failed `manifest run`s appear here.",
    cells,
  );
  return [...list, ...extra].slice(0, rows);
}

/** The key of the selected group (the first one when nothing valid is selected). */
export function selectedGroup(board: EventBoard, selected: string | undefined): BoardGroup | undefined {
  const groups = board.groups();
  return groups.find((g) => g.key === selected) ?? groups[0];
}
