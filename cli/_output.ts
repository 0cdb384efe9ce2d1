import { colors } from "consola/utils";
import type { TextStyle } from "../bus/format/paint.js";
import { terminalSafe } from "../bus/format/terminal.js";

/** Where a command's results go: one JSON document with `--json`, readable text without. */
export interface Output {
  readonly json: boolean;
  /** Colour is on when stdout is a TTY (and NO_COLOR is unset) in readable mode. */
  readonly color: boolean;
  /** Prints the command's result document (only in `--json` mode). */
  document(value: unknown): void;
  /** Prints one NDJSON record (streams, `--json` mode). */
  record(value: unknown): void;
  /** Prints a readable line (only without `--json`). */
  line(text?: string): void;
  /** Prints a note on stderr (both modes: never pollutes a JSON stdout). */
  note(text: string): void;
  /** Styling that is a no-op when colour is off. */
  readonly style: Style;
}

/** Styling of readable output (see bus/format/paint.ts). */
export type Style = TextStyle;

/** The output for a command invocation. */
export function createOutput(json: boolean, stdout: NodeJS.WriteStream = process.stdout): Output {
  const color = !json && stdout.isTTY === true && !process.env.NO_COLOR;
  const paint = (fn: (s: string) => string) => (text: string) => (color ? fn(text) : text);
  const write = (text: string) => {
    stdout.write(text);
  };
  // Readable text shows event text, which anyone who can reach the app may have written:
  // no escape sequence or control character of its own reaches the terminal (JSON escapes them).
  const readable = (text: string) => terminalSafe(text, { keepColours: color });
  return {
    json,
    color,
    document(value) {
      if (json) write(`${JSON.stringify(value, null, 2)}\n`);
    },
    record(value) {
      if (json) write(`${JSON.stringify(value)}\n`);
    },
    line(text = "") {
      if (!json) write(`${readable(text)}\n`);
    },
    note(text) {
      process.stderr.write(`${readable(text)}\n`);
    },
    style: {
      bold: paint(colors.bold),
      dim: paint(colors.dim),
      green: paint(colors.green),
      yellow: paint(colors.yellow),
      red: paint(colors.red),
      cyan: paint(colors.cyan),
    },
  };
}
