import { type ApprovalView, describeCause } from "../../bus/approval-rules.js";
import { shortAge } from "../../bus/format/ago.js";
import { clean, clip, type Line } from "./text.js";

/** Waiting requests shown above the conversation; more are counted. */
const SHOWN = 3;

/**
 * Tool calls that wait for a person's yes (`tools: "approve"`), pinned above the conversation
 * while they wait: the call, what led to it, the time left, and the keys that answer the first
 * one (pure).
 */
export function approvalLines(waiting: readonly ApprovalView[], cells: number): Line[] {
  if (waiting.length === 0) return [];
  const out: Line[] = [];
  for (const view of waiting.slice(0, SHOWN)) {
    const { request } = view;
    // A plain-text label: an hourglass emoji is two cells wide in tmux.
    const label = " ASK ";
    const head = ` ${request.tool} ${clean(request.summary)}`;
    const tail = ` · after ${clean(describeCause(request.cause))} · ${shortAge(view.remainingMs)} left`;
    const room = Math.max(0, cells - label.length);
    out.push([
      { text: clip(label, cells), style: "inverse bold yellow-fg" },
      { text: clip(head, room), style: "bold yellow-fg" },
      { text: clip(tail, Math.max(0, room - Math.min(room, head.length))), style: "yellow-fg" },
    ]);
  }
  const more = waiting.length - SHOWN;
  const first = waiting[0]?.request.id ?? "";
  out.push([
    { text: "  y", style: "bold" },
    { text: " approve  ", style: "yellow-fg" },
    { text: "n", style: "bold" },
    {
      text: clip(
        ` deny  (the first; or manifest spark approve|deny ${first})${more > 0 ? ` · ${more} more waiting` : ""}`,
        Math.max(0, cells - 15),
      ),
      style: "yellow-fg",
    },
  ]);
  return out;
}
