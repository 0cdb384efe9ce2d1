/**
 * The one rule for text that came from an event on its way into an agent's prompt. Every such
 * value (every field, every string in it, the id and file name included) may have been written
 * by anyone who can reach the app, so it is rendered only as data, in one of two forms:
 *
 * - `inline(value)`: a short identifier (a feature, a route, a command, an id) inside a code
 *   span, reduced to a safe alphabet (letters, digits, printable ASCII except the backtick, one
 *   space at a time) and clipped. No backtick and no line break can survive, so nothing in the
 *   value can close the span or start a line of its own.
 * - `dataBlock(label, body)`: anything longer (a message, a stack, input, output) inside a
 *   fenced block longer than any backtick run in the body, so nothing in the body can close
 *   it. Invisible and control characters are written as `\uXXXX` escapes: a carriage return,
 *   a bidi override or a terminal escape cannot hide or rearrange what the reader sees.
 *
 * Everything else in a prompt is our own text. See test/prompt-fuzz.test.ts for the proof.
 */

/** Longest identifier shown inline, in characters (the whole value is in the event file). */
export const INLINE_MAX_CHARS = 120;

/** Longest backtick run kept in a block: longer runs are shortened so fences stay short. */
const MAX_BACKTICK_RUN = 8;

/** Anything outside the safe alphabet of an inline value (and the letters that draw as blanks). */
const NOT_INLINE_SAFE = /[^\p{L}\p{N} !-_a-~]|[\u115f\u1160\u3164\uffa0]/gu;

/**
 * Characters that are invisible, move the cursor, end a line for some reader, or reorder text:
 * C0 controls except tab and line feed, DEL, C1, the bidi marks, embeddings, overrides and
 * isolates, zero-width characters, the Unicode line and paragraph separators, and lone
 * surrogates (not valid text at all).
 */
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex lint/suspicious/noMisleadingCharacterClass: it matches exactly those, one unit at a time
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A short value as an inline code span: `` `create-user` ``, `` `POST /users` ``. Pure. */
export function inline(value: string | number | boolean | null | undefined, maxChars = INLINE_MAX_CHARS): string {
  let text = String(value ?? "");
  // Cut the bulk first: a 100 KB route costs no more than a short one.
  if (text.length > maxChars * 4) text = text.slice(0, maxChars * 4);
  text = text.normalize("NFC").replace(/\s+/g, " ").trim().replace(NOT_INLINE_SAFE, "?");
  const points = Array.from(text);
  if (points.length > maxChars) text = `${points.slice(0, maxChars - 1).join("")}…`;
  return text === "" ? '`""`' : `\`${text}\``;
}

/** Whether `inline` shows the value as it is (nothing replaced, nothing cut). */
export function isInlineSafe(value: string, maxChars = INLINE_MAX_CHARS): boolean {
  return inline(value, maxChars) === `\`${value}\``;
}

/** How much of a block's text to keep, and from which end. */
export interface BlockLimits {
  maxBytes: number;
  /** Keep at most this many lines (the rest are counted). */
  maxLines?: number;
  /** Which end to keep when cutting: the head of a stack, the tail of an output. */
  keep?: "head" | "tail";
  /** The fence's info string (`json`). */
  lang?: string;
}

/**
 * A labelled data block: `label:` then the body, neutralised and cut to its limits, in a
 * fence that nothing in the body can close. The label is our own text. Pure.
 */
export function dataBlock(label: string, body: string, limits: BlockLimits): string {
  const keep = limits.keep ?? "head";
  // Every character is at least one byte after neutralising: this slice loses nothing kept.
  const room = limits.maxBytes * 2 + 16;
  const raw = body.length <= room ? body : keep === "head" ? body.slice(0, room) : body.slice(-room);
  const text = limitLines(neutralise(raw), limits.maxLines ?? Number.POSITIVE_INFINITY, limits.maxBytes, keep);
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${label}:\n${fence}${limits.lang ?? ""}\n${text}\n${fence}`;
}

/**
 * Text safe to put between fences: line endings made `\n`, every invisible or control
 * character written as a visible `\uXXXX`, very long backtick runs shortened. Pure.
 */
export function neutralise(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(INVISIBLE, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`)
    .replace(/`{9,}/g, (run) => `${"`".repeat(MAX_BACKTICK_RUN)}(×${run.length})`);
}

/** Cuts text to whole lines and bytes from one end, saying how much was left out. */
function limitLines(text: string, maxLines: number, maxBytes: number, keep: "head" | "tail"): string {
  const all = text.replace(/\n+$/, "").split("\n");
  const kept = keep === "head" ? all.slice(0, maxLines) : all.slice(-maxLines);
  const cut = all.length - kept.length;
  const body = clipBytes(kept.join("\n"), maxBytes, keep);
  if (cut === 0) return body;
  return keep === "head" ? `${body}\n… ${cut} more lines` : `… ${cut} earlier lines\n${body}`;
}

/** UTF-8 length. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text);
}

/** Text cut to `max` bytes at a character boundary, marked with "…" where it was cut. */
export function clipBytes(text: string, max: number, keep: "head" | "tail" = "head"): string {
  if (byteLength(text) <= max) return text;
  const marker = "…";
  const room = Math.max(0, max - byteLength(marker));
  const bytes = Buffer.from(text);
  if (keep === "head")
    return `${bytes
      .subarray(0, room)
      .toString("utf8")
      .replace(/\uFFFD+$/, "")}${marker}`;
  return `${marker}${bytes
    .subarray(bytes.length - room)
    .toString("utf8")
    .replace(/^\uFFFD+/, "")}`;
}
