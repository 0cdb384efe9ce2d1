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
  const screen = blessed.screen({
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
  return {
    width: () => Number(screen.width),
    height: () => Number(screen.height),
    draw(lines) {
      if (destroyed) return;
      box.setContent(lines.join("\n"));
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
