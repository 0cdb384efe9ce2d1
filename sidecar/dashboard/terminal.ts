import blessed from "blessed";
import type { Key } from "./input-line.js";

/** The terminal as the dashboard uses it: one full-screen box of tagged lines, keys, resizes. */
export interface Terminal {
  width(): number;
  height(): number;
  /** Shows these lines (blessed tags); blessed writes only the cells that changed. */
  draw(lines: readonly string[]): void;
  onKey(listener: (key: Key) => void): void;
  onResize(listener: () => void): void;
  /** Gives the terminal back: leaves the alternate screen, shows the cursor, ends raw mode. */
  destroy(): void;
}

/**
 * Opens the screen. Everything on it is drawn by the dashboard's own pure views, so blessed
 * only drives the terminal (terminfo, raw keys, resize, the cell diff).
 */
export function openTerminal(): Terminal {
  const terminal = terminalFor(process.env);
  const screen = blessed.screen({
    ...(terminal ? { terminal } : {}),
    // The views measure text as one cell per UTF-16 unit (see text.ts): blessed must not
    // guess widths from its own tables, which predate emoji.
    fullUnicode: false,
    smartCSR: false,
    autoPadding: false,
    warnings: false,
    title: "Spark sidecar",
  });
  // Box-drawing characters go out as UTF-8, not through the VT100 alternate character set,
  // which tmux garbles into "lqqk" (chjj/blessed#200). A terminal without UTF-8 gets ASCII.
  (screen.tput as unknown as { brokenACS: boolean }).brokenACS = true;
  screen.program.hideCursor();
  const box = blessed.box({ parent: screen, top: 0, left: 0, width: "100%", height: "100%", tags: true, wrap: false });
  let destroyed = false;
  const colors = (screen.tput as unknown as { colors: number }).colors;
  return {
    width: () => Number(screen.width),
    height: () => Number(screen.height),
    draw(lines) {
      if (destroyed) return;
      box.setContent(colors > 8 ? lines.join("\n") : withoutGray(lines.join("\n")));
      screen.render();
    },
    onKey(listener) {
      screen.on("keypress", (ch: string | undefined, key: { full?: string } | undefined) => {
        listener({ full: key?.full ?? ch ?? "", ch });
      });
    },
    onResize(listener) {
      screen.on("resize", listener);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        screen.program.showCursor();
        screen.destroy();
      } catch {
        // The terminal may already be gone (the pane was closed): nothing left to restore.
      }
    },
  };
}

/**
 * The terminal blessed should assume. Its own terminfo reader cannot parse ncurses 6 entries
 * such as tmux's default `tmux-256color`, and falls back to 8-colour `xterm`, where "gray"
 * becomes black (ESC[30m): invisible on a dark theme. A 256-colour terminal is taken as
 * xterm-256color, which speaks the same colour sequences. Pure.
 */
export function terminalFor(env: NodeJS.ProcessEnv): string | undefined {
  const term = env.TERM ?? "";
  return /-256colou?r$/.test(term) && term !== "xterm-256color" ? "xterm-256color" : undefined;
}

/**
 * With 8 colours there is no gray: blessed would draw it black. Secondary text keeps the
 * terminal's own colour instead (tags are the views' own: text braces are escaped there).
 */
export function withoutGray(tagged: string): string {
  return tagged.replaceAll("{gray-fg}", "");
}

const CONSOLE_METHODS = ["log", "info", "warn", "error"] as const;

/**
 * Sends what the process prints through `console` (Pi, extensions, libraries) to `sink`
 * instead of the screen, where it would scribble over the panes. Returns the undo.
 */
export function captureConsole(sink: (level: "info" | "warning" | "error", text: string) => void): () => void {
  const saved = CONSOLE_METHODS.map((m) => console[m]);
  for (const m of CONSOLE_METHODS) {
    console[m] = (...args: unknown[]) =>
      sink(m === "error" ? "error" : m === "warn" ? "warning" : "info", args.map(String).join(" "));
  }
  return () => {
    CONSOLE_METHODS.forEach((m, i) => {
      console[m] = saved[i] as (typeof console)[typeof m];
    });
  };
}
