import { describeHold, type HoldState } from "../../bus/effective-pause.js";
import type { HostFacts, InputState, PaneId, Popup } from "./state.js";
import { clean, clip, fit, type Line, width } from "./text.js";

/** Top row: what this Spark is (environment, behaviour, model) and where help is. */
export function headerLine(host: HostFacts, cells: number): Line {
  const model = host.model
    ? [
        { text: "model ", style: "inverse" },
        { text: clean(host.model), style: "inverse bold" },
      ]
    : [{ text: "no model: watch-only", style: "inverse bold yellow-fg" }];
  const help = " ? help ";
  const left: Line = [
    { text: " Spark ", style: "inverse bold" },
    { text: "│ env ", style: "inverse" },
    { text: clean(host.environment), style: "inverse bold" },
    { text: " │ behaviour ", style: "inverse" },
    { text: clean(host.behavior), style: "inverse bold" },
    { text: " │ ", style: "inverse" },
    ...model,
    { text: " ", style: "inverse" },
  ];
  const body = fit(left, Math.max(0, cells - help.length)).map((r) => ({ ...r, style: r.style ?? "inverse" }));
  return fit([...body, { text: help, style: "inverse" }], cells);
}

/**
 * Second row: the effective pause and its cause (what decides whether events go out now),
 * the held count, and whether the agent is working.
 */
export function statusLine(
  hold: HoldState,
  held: number,
  pausedBy: string | undefined,
  busy: boolean | undefined,
  warning: string | undefined,
  cells: number,
): Line {
  // No agent (watch-only): nothing to say about it.
  const right: Line =
    busy === undefined
      ? []
      : [{ text: busy ? " agent working… " : " agent idle ", style: busy ? "bold cyan-fg" : "gray-fg" }];
  const left: Line = [];
  if (warning) left.push({ text: `${clean(warning)} · `, style: "bold red-fg" });
  if (hold.held) {
    left.push({ text: "⏸ held: ", style: "bold yellow-fg" }, { text: clean(describeHold(hold)), style: "yellow-fg" });
    if (hold.cause === "watch-only" && pausedBy)
      left.push({ text: ` · paused by ${clean(pausedBy)}`, style: "yellow-fg" });
    left.push({ text: ` · ${held} waiting`, style: "bold" });
  } else {
    left.push(
      { text: "▶ not paused: ", style: "bold green-fg" },
      { text: "events go to the agent as they come", style: "green-fg" },
    );
  }
  const rightWidth = width(right);
  return fit([...fit(left, Math.max(0, cells - rightWidth)), ...right], cells);
}

/** A pane's title inside a rule: `─ Events  3 held ─────`; the pane with the keys stands out. */
export function titleRun(title: string, detail: string, focused: boolean): Line {
  return [
    { text: "─ " },
    { text: ` ${title} `, style: focused ? "inverse bold" : "bold" },
    ...(detail ? [{ text: ` ${clean(detail)} `, style: "gray-fg" }] : []),
  ];
}

/** The input line: a prompt, the text with its cursor while typing, else how to start typing. */
export function inputLine(input: InputState, focused: boolean, busy: boolean, watchOnly: boolean, cells: number): Line {
  const prompt: Line = [{ text: "› ", style: focused ? "bold cyan-fg" : "gray-fg" }];
  if (!focused) {
    const hint = input.text
      ? clean(input.text)
      : watchOnly
        ? "no model: the agent cannot take messages (see the conversation pane)"
        : `press i to ${busy ? "steer the agent while it works" : "ask the agent something"}`;
    return fit([...prompt, { text: clip(hint, cells - 2), style: "gray-fg" }], cells);
  }
  const room = Math.max(1, cells - 3);
  const text = clean(input.text);
  // Keep the cursor in view: scroll the text left once it passes the edge.
  const start = Math.max(0, input.cursor - room + 1);
  const shown = text.slice(start, start + room);
  const at = input.cursor - start;
  return fit(
    [
      ...prompt,
      { text: shown.slice(0, at) },
      { text: shown[at] ?? " ", style: "inverse" },
      { text: shown.slice(at + 1) },
    ],
    cells,
  );
}

/** The keys that work now, for the bottom row: each key bold, what it does dim. */
export function hintsLine(focus: PaneId, popup: Popup | undefined, cells: number, quit = "quit"): Line {
  const keys: Array<[string, string]> = popup
    ? [
        ["↑↓ PgUp PgDn", "scroll"],
        ["Esc", "close"],
      ]
    : focus === "input"
      ? [
          ["Enter", "send"],
          ["Esc", "leave"],
          ["←→", "move"],
          ["Ctrl-U", "clear"],
          ["Tab", "next pane"],
        ]
      : [
          focus === "conversation" ? ["↑↓", "scroll"] : ["↑↓", "select"],
          focus === "conversation" ? ["End", "newest"] : ["Enter", "open"],
          ["Tab", "pane"],
          ["i", "type"],
          ["p", "pause"],
          ["a", "abort"],
          ["?", "help"],
          ["q", quit],
        ];
  const line: Line = [{ text: " " }];
  for (const [key, what] of keys) line.push({ text: key, style: "bold" }, { text: ` ${what}  `, style: "gray-fg" });
  return fit(line, cells);
}
