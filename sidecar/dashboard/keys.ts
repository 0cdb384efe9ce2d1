import { editInput, type Key } from "./input-line.js";
import { helpPopup } from "./popup-view.js";
import type { PaneId, UiState } from "./state.js";

/** Something a key asks the dashboard to do beyond changing what is shown. */
export type Effect =
  | { kind: "send"; text: string }
  | { kind: "toggle-pause" }
  | { kind: "abort" }
  | { kind: "quit" }
  /** Answer a tool call that waits for a person's yes (`tools: "approve"`). */
  | { kind: "answer"; id: string; answer: "approve" | "deny" }
  /** Show the selected row of a list whole (reads the bus, so it is the caller's job). */
  | { kind: "open"; pane: "events" | "agents" | "runs"; key: string };

/** What the key handler needs to know about the screen as last drawn. */
export interface KeyContext {
  /** The panes on screen, in Tab order (a narrow screen has no agents and runs). */
  panes: readonly PaneId[];
  /** Row keys of each list, in display order. */
  lists: { events: readonly string[]; agents: readonly string[]; runs: readonly string[] };
  conversationRows: number;
  conversationMaxScroll: number;
  popupRows: number;
  popupMaxScroll: number;
  /** Rows of the list panes, for page keys. */
  listRows: number;
  /** The id of the tool call `y`/`n` answer (the oldest waiting), if any waits. */
  approval?: string | undefined;
}

export interface KeyResult {
  ui: UiState;
  effects: Effect[];
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** Decides what one key does (pure): focus, selection, scrolling, typing, and the effects. */
export function handleKey(ui: UiState, key: Key, ctx: KeyContext): KeyResult {
  const same: KeyResult = { ui, effects: [] };
  if (key.full === "C-c") return { ui, effects: [{ kind: "quit" }] };

  if (ui.popup) {
    const popup = ui.popup;
    const page = Math.max(1, ctx.popupRows - 1);
    const to = (scroll: number) => ({
      ui: { ...ui, popup: { ...popup, scroll: clamp(scroll, 0, ctx.popupMaxScroll) } },
      effects: [],
    });
    switch (key.full) {
      case "escape":
      case "q":
      case "enter":
      case "?":
        return { ui: { ...ui, popup: undefined }, effects: [] };
      case "up":
      case "k":
        return to(popup.scroll - 1);
      case "down":
      case "j":
        return to(popup.scroll + 1);
      case "pageup":
        return to(popup.scroll - page);
      case "pagedown":
      case "space":
        return to(popup.scroll + page);
      case "home":
      case "g":
        return to(0);
      case "end":
      case "S-g":
        return to(ctx.popupMaxScroll);
      default:
        return same;
    }
  }

  if (key.full === "tab" || key.full === "S-tab")
    return { ui: cycleFocus(ui, ctx.panes, key.full === "tab" ? 1 : -1), effects: [] };

  if (ui.focus === "input") {
    const outcome = editInput(ui.input, key);
    switch (outcome.kind) {
      case "edit":
        return { ui: { ...ui, input: outcome.input }, effects: [] };
      case "submit":
        return {
          ui: { ...ui, input: { text: "", cursor: 0 }, scroll: 0 },
          effects: [{ kind: "send", text: outcome.text }],
        };
      case "leave":
        return { ui: { ...ui, focus: ui.lastPane }, effects: [] };
      case "other":
        return same;
    }
  }

  switch (key.full) {
    case "q":
      return { ui, effects: [{ kind: "quit" }] };
    case "p":
      return { ui, effects: [{ kind: "toggle-pause" }] };
    case "a":
      return { ui, effects: [{ kind: "abort" }] };
    case "?":
      return { ui: { ...ui, popup: helpPopup() }, effects: [] };
    case "y":
    case "n":
      return ctx.approval
        ? { ui, effects: [{ kind: "answer", id: ctx.approval, answer: key.full === "y" ? "approve" : "deny" }] }
        : same;
    case "i":
    case ":":
      return { ui: { ...ui, focus: "input" }, effects: [] };
  }

  if (ui.focus === "conversation") {
    const page = Math.max(1, ctx.conversationRows - 1);
    const to = (scroll: number) => ({
      ui: { ...ui, scroll: clamp(scroll, 0, ctx.conversationMaxScroll) },
      effects: [],
    });
    switch (key.full) {
      case "up":
      case "k":
        return to(ui.scroll + 1);
      case "down":
      case "j":
        return to(ui.scroll - 1);
      case "pageup":
        return to(ui.scroll + page);
      case "pagedown":
        return to(ui.scroll - page);
      case "home":
      case "g":
        return to(ctx.conversationMaxScroll);
      case "end":
      case "S-g":
        return to(0);
      default:
        return same;
    }
  }

  // A list pane: events, agents or runs.
  const pane = ui.focus;
  const keys = ctx.lists[pane];
  if (keys.length === 0) return same;
  const current = Math.max(0, keys.indexOf(ui.selected[pane] ?? ""));
  const select = (index: number) => ({
    ui: { ...ui, selected: { ...ui.selected, [pane]: keys[clamp(index, 0, keys.length - 1)] } },
    effects: [],
  });
  const page = Math.max(1, ctx.listRows - 1);
  switch (key.full) {
    case "up":
    case "k":
      return select(current - 1);
    case "down":
    case "j":
      return select(current + 1);
    case "pageup":
      return select(current - page);
    case "pagedown":
      return select(current + page);
    case "home":
    case "g":
      return select(0);
    case "end":
    case "S-g":
      return select(keys.length - 1);
    case "enter":
      return { ui, effects: [{ kind: "open", pane, key: keys[current] as string }] };
    default:
      return same;
  }
}

/** Moves the keys to the next (or previous) pane on screen. */
export function cycleFocus(ui: UiState, panes: readonly PaneId[], step: 1 | -1): UiState {
  const at = Math.max(0, panes.indexOf(ui.focus));
  const focus = panes[(at + step + panes.length) % panes.length] ?? "events";
  return { ...ui, focus, lastPane: focus === "input" ? ui.lastPane : focus };
}
