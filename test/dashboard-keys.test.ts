import { describe, expect, it } from "vitest";
import { editInput, type Key } from "../sidecar/dashboard/input-line.js";
import { handleKey, type KeyContext } from "../sidecar/dashboard/keys.js";
import { initialUi, PANES, type UiState } from "../sidecar/dashboard/state.js";

const key = (full: string, ch?: string): Key => ({ full, ch });
const typed = (text: string): Key[] => [...text].map((c) => key(c === " " ? "space" : c, c));

const ctx: KeyContext = {
  panes: PANES,
  lists: { events: ["g1", "g2", "g3"], agents: ["a1"], runs: [] },
  conversationRows: 10,
  conversationMaxScroll: 25,
  popupRows: 8,
  popupMaxScroll: 30,
  listRows: 2,
};

function press(ui: UiState, ...keys: Key[]) {
  const effects = [];
  for (const k of keys) {
    const r = handleKey(ui, k, ctx);
    ui = r.ui;
    effects.push(...r.effects);
  }
  return { ui, effects };
}

describe("the input line", () => {
  it("edits: typing, moving, deleting words and lines, a pasted newline", () => {
    let input = { text: "", cursor: 0 };
    const apply = (...keys: Key[]) => {
      for (const k of keys) {
        const out = editInput(input, k);
        if (out.kind === "edit") input = out.input;
      }
    };
    apply(...typed("fix the bug"));
    expect(input).toEqual({ text: "fix the bug", cursor: 11 });
    apply(key("C-w"));
    expect(input).toEqual({ text: "fix the ", cursor: 8 });
    apply(key("home"), key("right"), key("backspace"), key("delete"));
    expect(input).toEqual({ text: "x the ", cursor: 0 });
    apply(key("end"), key("linefeed", "\n"), key("S-x", "X"), key("C-a"), key("C-k"));
    expect(input).toEqual({ text: "", cursor: 0 });
    expect(editInput({ text: "a", cursor: 1 }, key("tab", "\t")).kind).toBe("other");
    expect(editInput({ text: "a", cursor: 1 }, key("C-z")).kind).toBe("other");
  });

  it("sends trimmed text on Enter, ignores blessed's second 'return', leaves on Escape", () => {
    expect(editInput({ text: "  go  ", cursor: 6 }, key("enter"))).toEqual({ kind: "submit", text: "go" });
    expect(editInput({ text: "   ", cursor: 3 }, key("enter"))).toEqual({
      kind: "edit",
      input: { text: "", cursor: 0 },
    });
    expect(editInput({ text: "go", cursor: 2 }, key("return"))).toEqual({
      kind: "edit",
      input: { text: "go", cursor: 2 },
    });
    expect(editInput({ text: "go", cursor: 2 }, key("escape")).kind).toBe("leave");
  });
});

describe("keys", () => {
  it("Tab walks the panes on screen and wraps; Escape from the input returns where it came from", () => {
    let { ui } = press(initialUi(), key("tab"), key("tab"));
    expect(ui.focus).toBe("runs");
    ui = press(ui, key("i")).ui;
    expect(ui.focus).toBe("input");
    ui = press(ui, key("escape")).ui;
    expect(ui.focus).toBe("runs");
    ui = press(ui, key("S-tab"), key("S-tab"), key("S-tab")).ui;
    expect(ui.focus).toBe("input");
    const narrow = handleKey(initialUi(), key("tab"), { ...ctx, panes: ["events", "conversation", "input"] });
    expect(narrow.ui.focus).toBe("conversation");
  });

  it("the command keys act outside the input line, and are text inside it", () => {
    expect(press(initialUi(), key("p")).effects).toEqual([{ kind: "toggle-pause" }]);
    expect(press(initialUi(), key("a")).effects).toEqual([{ kind: "abort" }]);
    expect(press(initialUi(), key("q")).effects).toEqual([{ kind: "quit" }]);
    const typing = press(initialUi(), key("i"), ...typed("pq a"), key("enter"));
    expect(typing.effects).toEqual([{ kind: "send", text: "pq a" }]);
    expect(typing.ui.input).toEqual({ text: "", cursor: 0 });
    expect(press(typing.ui, key("C-c")).effects).toEqual([{ kind: "quit" }]);
  });

  it("y and n answer the oldest waiting tool call, and do nothing when none waits", () => {
    const waiting = { ...ctx, approval: "3f9a0c1b" };
    expect(handleKey(initialUi(), key("y", "y"), waiting).effects).toEqual([
      { kind: "answer", id: "3f9a0c1b", answer: "approve" },
    ]);
    expect(handleKey(initialUi(), key("n", "n"), waiting).effects).toEqual([
      { kind: "answer", id: "3f9a0c1b", answer: "deny" },
    ]);
    expect(handleKey(initialUi(), key("y", "y"), ctx).effects).toEqual([]);
    // In the input line they are letters.
    const typing = { ...initialUi(), focus: "input" as const };
    expect(handleKey(typing, key("y", "y"), waiting).effects).toEqual([]);
  });

  it("moves the selection by key, pages, and opens the selected row", () => {
    let { ui } = press(initialUi(), key("down"), key("down"), key("down"));
    expect(ui.selected.events).toBe("g3");
    ui = press(ui, key("pageup")).ui;
    expect(ui.selected.events).toBe("g2");
    ui = press(ui, key("home")).ui;
    expect(press(ui, key("enter")).effects).toEqual([{ kind: "open", pane: "events", key: "g1" }]);
    // A selection that no longer exists counts as the first row.
    expect(press({ ...ui, selected: { ...ui.selected, events: "gone" } }, key("enter")).effects[0]).toMatchObject({
      key: "g1",
    });
    const runs = press({ ...initialUi(), focus: "runs" }, key("enter"), key("down"));
    expect(runs.effects).toEqual([]);
  });

  it("scrolls the conversation within its bounds", () => {
    let { ui } = press({ ...initialUi(), focus: "conversation" }, key("up"), key("pageup"));
    expect(ui.scroll).toBe(10);
    ui = press(ui, key("home")).ui;
    expect(ui.scroll).toBe(25);
    ui = press(ui, key("end"), key("down")).ui;
    expect(ui.scroll).toBe(0);
  });

  it("a box takes the keys until it is closed: ? opens help, arrows scroll, Escape closes", () => {
    let { ui } = press(initialUi(), key("?"));
    expect(ui.popup?.kind).toBe("help");
    ui = press(ui, key("pagedown"), key("down"), key("q")).ui;
    expect(ui.popup).toBeUndefined();
    ui = press(initialUi(), key("?"), key("end")).ui;
    expect(ui.popup?.scroll).toBe(30);
    expect(press(ui, key("p")).effects).toEqual([]);
    expect(press(ui, key("escape")).ui.popup).toBeUndefined();
  });
});
