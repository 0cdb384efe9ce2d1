import type { PanePlan, PaneStart, Role } from "./panes.js";

/** The name of the session's window. */
export const WINDOW_NAME = "spark";

/** How one pane is made: the first fills the window, each other one splits an earlier one. */
export type LayoutStep = { role: Role; split?: { from: Role; flag: "-h" | "-v"; size: string } };

/**
 * Where each pane goes on a roomy screen: the person's Pi on the left (60%), the sidecar
 * dashboard top right, the app below it. tmux keeps the proportions when the window grows.
 */
export const WIDE_LAYOUT: readonly LayoutStep[] = [
  { role: "human" },
  { role: "sidecar", split: { from: "human", flag: "-h", size: "40%" } },
  { role: "app", split: { from: "sidecar", flag: "-v", size: "50%" } },
  // Only with a hub: a few lines under the app are enough for the relay's log.
  { role: "relay", split: { from: "app", flag: "-v", size: "30%" } },
];

/**
 * On a small screen the wide layout leaves the dashboard 32×11 at 80×24, too small for its
 * story: Pi and the dashboard share the top side by side (40×16 each at 80×24), and the
 * app, whose output matters least, gets a strip across the bottom.
 */
export const SMALL_LAYOUT: readonly LayoutStep[] = [
  { role: "human" },
  { role: "app", split: { from: "human", flag: "-v", size: "25%" } },
  { role: "sidecar", split: { from: "human", flag: "-h", size: "50%" } },
  // Only with a hub: beside the app in its strip.
  { role: "relay", split: { from: "app", flag: "-h", size: "40%" } },
];

/** Below either size the small layout is used. */
export const SMALL_SCREEN = { width: 120, height: 32 } as const;

/** tmux's own size for a session made with no terminal to size it (its `default-size`). */
export const DEFAULT_SIZE = { width: 80, height: 24 } as const;

/**
 * The layout for a screen of `size` (the terminal that will show the session; tmux's default
 * when none is known, as with --detach). Pure.
 */
export function layoutFor(size: { width: number; height: number } = DEFAULT_SIZE): readonly LayoutStep[] {
  return size.width < SMALL_SCREEN.width || size.height < SMALL_SCREEN.height ? SMALL_LAYOUT : WIDE_LAYOUT;
}

/**
 * What a new pane runs until its options are set: a pane whose command died at once would
 * vanish (taking the session with it) before `remain-on-exit` could keep it.
 */
const HOLD_SCRIPT = "setInterval(() => {}, 1 << 30)";

/** Formats asked of tmux, tab-separated (no name or id holds a tab). */
export const NEW_SESSION_FORMAT = "#{session_id}\t#{pane_id}\t#{socket_path}";

/** tmux ends a command at an argument ending in `;`, unless it is written `\;`. */
export function escapeArg(arg: string): string {
  return arg.endsWith(";") ? `${arg.slice(0, -1)}\\;` : arg;
}

/** tmux expands `#` formats in a start directory (`-c`); `##` is a literal `#`. */
export function escapeFormat(text: string): string {
  return text.replaceAll("#", "##");
}

/**
 * The end of a tmux command that starts `start`, after `--` so nothing is read as a tmux flag.
 * tmux hands a single argument to the shell and executes several directly: argv starts always
 * hold at least two words (node and a script), so no shell ever sees them.
 */
export function startArgs(start: PaneStart): string[] {
  return ["--", ...("argv" in start ? start.argv : [start.shell]).map(escapeArg)];
}

/**
 * The variables the panes get from the shell that ran `up`. A tmux server that already runs
 * gives new panes its own environment, which may predate this shell: PATH (where `pi`, `npm`
 * and node are), NODE_ENV and the Spark and Pi settings are passed on. Secrets (API keys) are
 * not: they would show on tmux's command line.
 */
export function paneEnvironment(env: NodeJS.ProcessEnv): Array<[string, string]> {
  return (
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .filter(([name]) => name === "PATH" || name === "NODE_ENV" || /^(SPARK|PI)_/.test(name))
      // The sidecar pane gets its own (see LAYOUT_ENV); one leaking from this shell would mislead others.
      .filter(([name]) => name !== "SPARK_LAYOUT")
      .sort(([a], [b]) => a.localeCompare(b))
  );
}

/**
 * Creates the detached session, its one pane holding until it is respawned; at the size of the
 * terminal that will show it, when known, so the splits are made to fit it.
 */
export function newSessionArgs(
  name: string,
  root: string,
  node: string,
  size?: { width: number; height: number },
): string[] {
  return [
    "new-session",
    "-d",
    "-s",
    name,
    "-n",
    WINDOW_NAME,
    ...(size ? ["-x", String(size.width), "-y", String(size.height)] : []),
    "-c",
    escapeArg(escapeFormat(root)),
    "-P",
    "-F",
    NEW_SESSION_FORMAT,
    ...startArgs({ argv: [node, "-e", HOLD_SCRIPT] }),
  ];
}

/** Splits `target` for the next pane of the layout; prints the new pane's id. */
export function splitArgs(
  target: string,
  split: NonNullable<LayoutStep["split"]>,
  root: string,
  node: string,
): string[] {
  return [
    "split-window",
    split.flag,
    "-l",
    split.size,
    "-t",
    target,
    "-c",
    escapeArg(escapeFormat(root)),
    "-P",
    "-F",
    "#{pane_id}",
    ...startArgs({ argv: [node, "-e", HOLD_SCRIPT] }),
  ];
}

/** Marks the session as this project's: `up` finds it again and `down` closes only it. */
export function sessionRootArgs(sessionId: string, root: string): string[] {
  return ["set-option", "-t", sessionId, "@spark_root", escapeArg(root)];
}

/**
 * The status bar shows the whole session name: tmux cuts `[name] ` at 10 characters by
 * default, so `spark-demo-Ab12Cd` showed as `[spark-dem` run into the window list.
 */
export function statusArgs(sessionId: string, name: string): string[] {
  return ["set-option", "-t", sessionId, "status-left-length", String(name.length + 3)];
}

/**
 * The window's options: a finished pane stays with its last output and exit status (an app
 * that crashed stays readable; `up` restarts it), and each pane's border names it.
 */
export function windowOptionArgs(paneId: string): string[][] {
  return [
    ["set-option", "-w", "-t", paneId, "remain-on-exit", "on"],
    ["set-option", "-w", "-t", paneId, "pane-border-status", "top"],
    ["set-option", "-w", "-t", paneId, "pane-border-format", " #{@spark_label} "],
  ];
}

/**
 * A pane's own options. Programs may retitle their pane (Pi does), so `down`, `up` and the
 * tests find panes by `@spark_role` instead of the title.
 */
export function paneOptionArgs(paneId: string, plan: PanePlan): string[][] {
  const set = (name: string, value: string) => ["set-option", "-p", "-t", paneId, name, escapeArg(value)];
  return [
    set("@spark_role", plan.role),
    set("@spark_label", plan.label),
    set("@spark_notice", plan.notice ? "1" : "0"),
  ];
}

/** Starts (or restarts) a pane's real command in the project, with `paneEnvironment`. */
export function respawnArgs(paneId: string, root: string, plan: PanePlan, env: Array<[string, string]>): string[] {
  return [
    "respawn-pane",
    "-k",
    "-t",
    paneId,
    "-c",
    escapeArg(escapeFormat(root)),
    ...[...env, ...(plan.env ?? [])].flatMap(([name, value]) => ["-e", escapeArg(`${name}=${value}`)]),
    ...startArgs(plan.start),
  ];
}
