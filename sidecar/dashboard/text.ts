/**
 * Styled text for the dashboard, measured in terminal cells. `clean` makes every UTF-16 unit
 * of a string exactly one cell, so widths are `.length`: blessed runs with `fullUnicode: false`
 * (its width tables predate emoji), and tmux draws some single-unit symbols two cells wide.
 */

import { terminalSafe } from "../../bus/format/terminal.js";

/** A run of text in one style: blessed tag names ("bold", "red-fg", "inverse"), space-separated. */
export interface Run {
  text: string;
  style?: string | undefined;
}
export type Line = Run[];

/** Symbols tmux draws two cells wide, mapped to a narrow look-alike. */
const NARROW: Record<string, string> = {
  "✅": "✔",
  "❌": "✖",
  "❎": "✖",
  "❗": "!",
  "❕": "!",
  "❓": "?",
  "❔": "?",
  "➕": "+",
  "➖": "-",
  "⛔": "x",
};

/** Wide symbols used as icons ("⚡ Spark caught …"): dropped with the space after them. */
const WIDE_ICONS = /[\u26a1\u2728\u2b50\u23f3\u231b] ?/g;
/** Single-unit code points with emoji presentation (drawn wide), besides those in NARROW. */
const WIDE_EMOJI =
  /[\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55]/g;
/** East Asian wide and full-width ranges (blessed's own list): two cells, so two placeholders. */
const WIDE_CJK =
  /[\u1100-\u115f\u2329\u232a\u2e80-\u303e\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6]/g;
/** Emoji outside the BMP (pictographs, flags), with the space that usually follows an icon. */
const ASTRAL_EMOJI = /(?:\ud83c[\udde6-\uddff]|\ud83c[\udf00-\udfff]|\ud83d[\udc00-\udeff]|\ud83e[\udd00-\udfff]) ?/g;
const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;
const LONE_SURROGATE = /[\ud800-\udfff]/g;
/** Zero-width: variation selectors, joiners, combining marks, controls (C0 except tab, DEL, C1). */
const ZERO_WIDTH =
  // biome-ignore lint/suspicious/noControlCharactersInRegex lint/suspicious/noMisleadingCharacterClass: it strips exactly those, one unit at a time
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u200b-\u200f\u2060-\u2064\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\ufeff]/g;

/** One line of text made safe to draw: one UTF-16 unit per cell, no controls (pure). */
export function clean(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  // Escape sequences go whole (the same rule as the CLI's), not one control at a time.
  return terminalSafe(text)
    .replace(/\t/g, "  ")
    .replace(ZERO_WIDTH, "")
    .replace(WIDE_ICONS, "")
    .replace(WIDE_EMOJI, (ch) => NARROW[ch] ?? "?")
    .replace(WIDE_CJK, "??")
    .replace(ASTRAL_EMOJI, "")
    .replace(SURROGATE_PAIR, "?")
    .replace(LONE_SURROGATE, "");
}

/** Cells a line takes. */
export function width(line: Line): number {
  let n = 0;
  for (const run of line) n += run.text.length;
  return n;
}

/** Plain text of a line (for tests and measuring). */
export function plain(line: Line): string {
  return line.map((r) => r.text).join("");
}

/** Truncates plain text to `max` cells, ending in "…" when cut. */
export function clip(text: string, max: number): string {
  if (max <= 0) return "";
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Exactly `cells` wide: cut with "…" (in the style of the cut run) or padded with spaces. */
export function fit(line: Line, cells: number): Line {
  const total = width(line);
  if (total === cells) return line;
  if (total < cells) return [...line, { text: " ".repeat(cells - total) }];
  const out: Line = [];
  let left = cells;
  for (const run of line) {
    if (left <= 0) break;
    if (run.text.length < left) {
      out.push(run);
      left -= run.text.length;
      continue;
    }
    // This run reaches the edge: the last cell becomes the ellipsis.
    out.push({ text: clip(run.text, left), style: run.style });
    left = 0;
  }
  return out;
}

/** The cells [from, to) of a line. */
export function slice(line: Line, from: number, to: number): Line {
  const out: Line = [];
  let at = 0;
  for (const run of line) {
    const start = Math.max(from, at);
    const end = Math.min(to, at + run.text.length);
    if (start < end) out.push({ text: run.text.slice(start - at, end - at), style: run.style });
    at += run.text.length;
    if (at >= to) break;
  }
  return out;
}

/** Puts `box` over `base` with its top-left corner at column x, row y (rows outside are dropped). */
export function overlay(base: Line[], box: Line[], x: number, y: number): Line[] {
  const out = [...base];
  box.forEach((row, i) => {
    const at = y + i;
    const under = out[at];
    if (under === undefined) return;
    const w = width(row);
    out[at] = [...slice(under, 0, x), ...row, ...slice(under, x + w, width(under))];
  });
  return out;
}

/** Word-wraps plain text (one paragraph, already cleaned) to lines of at most `cells`. */
export function wrap(text: string, cells: number): string[] {
  if (cells <= 0) return [];
  if (text.length <= cells) return [text];
  const lines: string[] = [];
  let rest = text;
  while (rest.length > cells) {
    let cut = rest.lastIndexOf(" ", cells);
    // No space in reach (a path, a URL): break the word.
    if (cut <= cells / 3) cut = cells;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^ +/, "");
  }
  if (rest !== "") lines.push(rest);
  return lines;
}

/** Cleans multi-line text and wraps each line: what a pane shows of a message. */
export function wrapText(text: string, cells: number): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .flatMap((line) => {
      const c = clean(line);
      return c === "" ? [""] : wrap(c, cells);
    });
}

/** A line as blessed tagged content: braces escaped, each styled run closed on its own. */
export function toTags(line: Line): string {
  let out = "";
  for (const run of line) {
    const text = run.text.replace(/[{}]/g, (b) => (b === "{" ? "{open}" : "{close}"));
    out += run.style
      ? `${run.style
          .split(" ")
          .map((s) => `{${s}}`)
          .join("")}${text}{/}`
      : text;
  }
  return out;
}
