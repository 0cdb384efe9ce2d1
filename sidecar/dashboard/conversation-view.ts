import type { WatchOnly } from "../watch-only.js";
import type { Entry } from "./conversation-log.js";
import { clean, clip, type Line, wrapText } from "./text.js";

/** Lines of a Spark message shown before "… N more lines" (a batch prompt can be 16 KiB). */
const SPARK_PREVIEW_LINES = 3;

/** The lines of one entry at a given width (pure). */
export function entryLines(entry: Entry, cells: number): Line[] {
  const body = (text: string, indent: number, style?: string) =>
    wrapText(text, cells - indent).map((t): Line => [{ text: " ".repeat(indent) }, { text: t, style }]);
  const head = (mark: string, markStyle: string, text: string, style?: string): Line[] => {
    const [first = "", ...rest] = wrapText(text, cells - mark.length - 1);
    return [
      [
        { text: `${mark} `, style: markStyle },
        { text: first, style },
      ],
      ...rest.map((t): Line => [{ text: " ".repeat(mark.length + 1) }, { text: t, style }]),
    ];
  };
  switch (entry.kind) {
    case "user":
      return head("›", "bold cyan-fg", entry.text, "bold");
    case "spark": {
      // Markdown headings lose their hashes: a preview line is plain text.
      const lines = entry.text
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => l.replace(/^#+\s+/, ""));
      const shown = lines.slice(0, SPARK_PREVIEW_LINES);
      const out: Line[] = [
        [
          { text: `* ${entry.label} `, style: "bold yellow-fg" },
          { text: clip(clean(shown[0] ?? ""), cells - entry.label.length - 3) },
        ],
      ];
      for (const l of shown.slice(1)) out.push([{ text: `  ${clip(clean(l), cells - 2)}` }]);
      const more = lines.length - shown.length;
      if (more > 0) out.push([{ text: `  … ${more} more line${more === 1 ? "" : "s"}`, style: "gray-fg" }]);
      return out;
    }
    case "assistant": {
      const out = entry.text === "" ? [] : body(entry.text, 0);
      if (entry.streaming) out.push([{ text: "…", style: "gray-fg" }]);
      if (entry.error) out.push(...head("✖", "red-fg", `model error: ${entry.error}`, "red-fg"));
      return out;
    }
    case "tool": {
      const mark = entry.state === "running" ? "▸" : entry.state === "ok" ? "✔" : "✖";
      const markStyle = entry.state === "running" ? "yellow-fg" : entry.state === "ok" ? "green-fg" : "red-fg";
      const call = clean(`${entry.name} ${entry.summary}`.trim());
      const result = entry.result ? clean(entry.result) : "";
      const text = result ? `${call} → ${result}` : call;
      return [
        [
          { text: `${mark} `, style: markStyle },
          { text: clip(text, cells - 2), style: "gray-fg" },
        ],
      ];
    }
    case "notice": {
      if (entry.level === "error") return head("✖", "red-fg", entry.text, "red-fg");
      if (entry.level === "warning") return head("!", "bold yellow-fg", entry.text, "yellow-fg");
      return head("·", "gray-fg", entry.text, "gray-fg");
    }
  }
}

/** What watch-only mode pins above the conversation: why, and how to give the sidecar a model. */
export function watchOnlyLines(info: WatchOnly, cells: number): Line[] {
  const out: Line[] = [];
  for (const t of wrapText(`No model: the sidecar only watches. ${info.reason}.`, cells)) {
    out.push([{ text: t, style: "bold yellow-fg" }]);
  }
  for (const line of info.howTo) {
    for (const t of wrapText(line, cells)) out.push([{ text: t, style: "yellow-fg" }]);
  }
  return out;
}

/** The visible part of the conversation. */
export interface ConversationFrame {
  lines: Line[];
  /** How far up one can scroll (lines). */
  maxScroll: number;
}

/**
 * The last `rows` lines of the conversation, `scroll` lines up from the bottom. Only the
 * entries that can be seen are laid out, newest first, so a long history costs nothing (pure).
 */
export function conversationFrame(
  entries: readonly Entry[],
  cells: number,
  rows: number,
  scroll: number,
  pinned: Line[] = [],
): ConversationFrame {
  const room = Math.max(0, rows - pinned.length);
  const want = room + Math.max(0, scroll);
  const collected: Line[][] = [];
  let count = 0;
  // One page more than is shown, so that a page up has somewhere to go.
  for (let i = entries.length - 1; i >= 0 && count < want + room + 1; i--) {
    const lines = entryLines(entries[i] as Entry, cells);
    collected.push(lines);
    count += lines.length;
  }
  const all = collected.reverse().flat();
  // Entries not laid out: at least one more line to scroll to (the next frame lays out more).
  const more = collected.length < entries.length ? 1 : 0;
  const maxScroll = Math.max(0, all.length - room) + more;
  const s = Math.min(Math.max(0, scroll), Math.max(0, all.length - room));
  const end = all.length - s;
  const visible = all.slice(Math.max(0, end - room), end);
  if (pinned.length === 0 && visible.length === 0) {
    return {
      lines: [[{ text: "Nothing yet: the agent's messages and tool calls appear here.", style: "gray-fg" }]],
      maxScroll: 0,
    };
  }
  return { lines: [...pinned.slice(0, rows), ...visible], maxScroll };
}
