import type { InputState } from "./state.js";

/** A key as blessed names it (`full`: "enter", "C-u", "S-tab", "x") and the character it typed. */
export interface Key {
  full: string;
  ch?: string | undefined;
}

/** What a key did to the input line. */
export type InputOutcome =
  | { kind: "edit"; input: InputState }
  | { kind: "submit"; text: string }
  | { kind: "leave" }
  /** Not an editing key: the caller decides (Tab, Ctrl-C). */
  | { kind: "other" };

const WORD_BACK = /\S+\s*$|\s+$/;

/** Applies one key to the input line: typing, moving, deleting, Enter to send, Esc to leave (pure). */
export function editInput(input: InputState, key: Key): InputOutcome {
  const { text, cursor } = input;
  const at = (t: string, c: number): InputOutcome => ({ kind: "edit", input: { text: t, cursor: c } });
  switch (key.full) {
    case "enter":
      return text.trim() === "" ? at("", 0) : { kind: "submit", text: text.trim() };
    case "return":
      // blessed reports a carriage return twice, as "enter" and then as "return".
      return { kind: "edit", input };
    case "escape":
      return { kind: "leave" };
    case "backspace":
      return cursor === 0 ? at(text, cursor) : at(text.slice(0, cursor - 1) + text.slice(cursor), cursor - 1);
    case "delete":
    case "C-d":
      return at(text.slice(0, cursor) + text.slice(cursor + 1), cursor);
    case "left":
    case "C-b":
      return at(text, Math.max(0, cursor - 1));
    case "right":
    case "C-f":
      return at(text, Math.min(text.length, cursor + 1));
    case "home":
    case "C-a":
      return at(text, 0);
    case "end":
    case "C-e":
      return at(text, text.length);
    case "C-u":
      return at(text.slice(cursor), 0);
    case "C-k":
      return at(text.slice(0, cursor), cursor);
    case "C-w": {
      const before = text.slice(0, cursor).replace(WORD_BACK, "");
      return at(before + text.slice(cursor), before.length);
    }
    case "linefeed":
      // A pasted newline: one line of input, so it becomes a space.
      return at(`${text.slice(0, cursor)} ${text.slice(cursor)}`, cursor + 1);
  }
  const ch = key.ch;
  const printable = ch !== undefined && ch !== "" && [...ch].every((c) => c >= " " && c !== "\x7f");
  if (printable && !key.full.startsWith("C-") && !key.full.startsWith("M-")) {
    return at(text.slice(0, cursor) + ch + text.slice(cursor), cursor + ch.length);
  }
  return { kind: "other" };
}
