/**
 * Text made safe to write to a terminal. Event text comes from the app and, through it, from
 * anyone on the network: an escape sequence in an error message could retitle the window,
 * clear the screen, move the cursor over earlier lines or hide text. Every readable output
 * (the CLI's lines and notes, the dashboard) passes through `terminalSafe`; `--json` output
 * does not need to (JSON escapes every control character) and keeps the exact strings.
 */

/** A whole escape sequence: CSI, OSC, DCS/SOS/PM/APC strings, and the short ESC forms (7- and 8-bit). */
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|[\u001b]\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c|$)|\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c|$)|\u001b[PX^_][^\u001b\u009c]*(?:\u001b\\|\u009c|$)|[\u0090\u0098\u009e\u009f][^\u001b\u009c]*(?:\u001b\\|\u009c|$)|\u001b[ -/]*[0-~]?/g;

/** Control characters left after the sequences are gone (tab and line feed stay), and bidi controls. */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Either one: a single pass, so a kept colour code keeps its ESC. */
const UNSAFE = new RegExp(`${ESCAPE_SEQUENCE.source}|${CONTROL.source}`, "g");

/** The only sequences the CLI writes itself: bold, dim, red, green, yellow, cyan and their resets. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence starts with one
const OWN_COLOURS = /^\u001b\[(?:1|2|22|31|32|33|36|39)m$/;

/** Nothing that needs looking at: printable ASCII, tabs and line feeds. */
const PLAIN = /^[\t\n\x20-\x7e]*$/;

/**
 * Strips escape sequences (whole), C0 and C1 control characters except tab and line feed,
 * and bidi controls. With `keepColours`, the CLI's own colour codes stay (they can only
 * colour text, never move, clear, retitle or hide anything). Pure.
 */
export function terminalSafe(text: string, options: { keepColours?: boolean } = {}): string {
  if (PLAIN.test(text)) return text;
  const keep = options.keepColours === true;
  return text.replace(UNSAFE, (seq) => (keep && OWN_COLOURS.test(seq) ? seq : ""));
}
