import { CliError } from "../_errors.js";
import {
  layoutFor,
  NEW_SESSION_FORMAT,
  newSessionArgs,
  paneOptionArgs,
  respawnArgs,
  sessionRootArgs,
  splitArgs,
  statusArgs,
  windowOptionArgs,
} from "./layout.js";
import { type PanePlan, ROLES, type Role } from "./panes.js";
import { isNoServer, type Tmux } from "./tmux.js";

/** A tmux session, as `list-sessions` shows it. */
export interface SessionInfo {
  /** `$3`: targets use the id, because `-t name` also matches names that only start with it. */
  id: string;
  name: string;
  /** The project it was made for (`@spark_root`); undefined for sessions Spark did not make. */
  root: string | undefined;
  /** The server's socket: inside tmux, `up` switches only when it is the client's own server. */
  socketPath: string;
}

/** A pane of a Spark session. */
export interface PaneInfo {
  id: string;
  pid: number;
  /** Its program has ended (the pane stays: `remain-on-exit`). */
  dead: boolean;
  role: Role | undefined;
  /** It shows a notice instead of its command. */
  notice: boolean;
}

const SESSION_FORMAT = "#{session_id}\t#{session_name}\t#{socket_path}\t#{@spark_root}";
const PANE_FORMAT = "#{pane_id}\t#{pane_pid}\t#{pane_dead}\t#{@spark_notice}\t#{@spark_role}";

/** Every session on the server; none when no server runs. */
export async function listSessions(tmux: Tmux): Promise<SessionInfo[]> {
  let text: string;
  try {
    text = await tmux.run("list-sessions", "-F", SESSION_FORMAT);
  } catch (error) {
    if (isNoServer(error)) return [];
    throw error;
  }
  return lines(text).map((line) => {
    const [id = "", name = "", socketPath = "", ...root] = line.split("\t");
    const joined = root.join("\t");
    return { id, name, socketPath, root: joined === "" ? undefined : joined };
  });
}

/**
 * The project's session among `sessions`: the one made for `root` (whatever its name now).
 * A session called `name` that was not made for this project is left alone: an error.
 */
export function findProjectSession(sessions: SessionInfo[], root: string, name: string): SessionInfo | undefined {
  const own = sessions.find((s) => s.root === root);
  if (own) return own;
  const taken = sessions.find((s) => s.name === name);
  if (!taken) return undefined;
  const whose = taken.root ? `Spark's session for ${taken.root}` : "not a Spark session";
  throw new CliError(
    `A tmux session named "${name}" already exists and is ${whose}.`,
    "E_SESSION_TAKEN",
    "Set up.session in config/spark.ts to another name, or close that session first.",
  );
}

/** The panes of a session (all its windows). */
export async function listPanes(tmux: Tmux, sessionId: string): Promise<PaneInfo[]> {
  const text = await tmux.run("list-panes", "-s", "-t", sessionId, "-F", PANE_FORMAT);
  return lines(text).map((line) => {
    const [id = "", pid = "", dead = "", notice = "", role = ""] = line.split("\t");
    return {
      id,
      pid: Number(pid),
      dead: dead === "1",
      notice: notice === "1",
      role: ROLES.find((r) => r === role),
    };
  });
}

/** Pane ids by role. */
export type PaneIds = Partial<Record<Role, string>>;

/**
 * Creates the session: the layout's panes (for the screen's `size`, when known), each holding
 * until its options are set, then each respawned with its real command, and the person's Pi
 * focused.
 */
export async function createSession(
  tmux: Tmux,
  input: {
    name: string;
    root: string;
    node: string;
    env: Array<[string, string]>;
    plans: PanePlan[];
    size?: { width: number; height: number } | undefined;
  },
): Promise<{ session: SessionInfo; panes: PaneIds }> {
  const { name, root, node, env, plans, size } = input;
  const [sessionId = "", firstPane = "", socketPath = ""] = (await tmux.run(...newSessionArgs(name, root, node, size)))
    .trim()
    .split("\t");
  if (!sessionId.startsWith("$") || !firstPane.startsWith("%")) {
    throw new CliError(`tmux did not say which session it made (${NEW_SESSION_FORMAT}).`, "E_TMUX");
  }
  try {
    await tmux.run(...sessionRootArgs(sessionId, root));
    await tmux.run(...statusArgs(sessionId, name));
    await ensureExtendedKeys(tmux);
    for (const args of windowOptionArgs(firstPane)) await tmux.run(...args);
    const panes: PaneIds = {};
    for (const { role, split } of layoutFor(size).filter((l) => plans.some((p) => p.role === l.role))) {
      const from = split ? panes[split.from] : undefined;
      panes[role] = split && from ? (await tmux.run(...splitArgs(from, split, root, node))).trim() : firstPane;
    }
    for (const plan of plans) {
      const id = panes[plan.role];
      if (!id) continue;
      for (const args of paneOptionArgs(id, plan)) await tmux.run(...args);
      await tmux.run(...respawnArgs(id, root, plan, env));
    }
    if (panes.relay) await tmux.run(...relayMarkArgs(sessionId));
    if (panes.human) await tmux.run("select-pane", "-t", panes.human);
    return { session: { id: sessionId, name, root, socketPath }, panes };
  } catch (error) {
    // A half-made session would be found and reused by the next `up`: it goes.
    await tmux.run("kill-session", "-t", sessionId).catch(() => undefined);
    throw error;
  }
}

/**
 * Pi warns at every start in tmux without `extended-keys` (Shift+Enter and other modified keys
 * do not reach it): a server option, turned on when it is off, before Pi starts.
 */
export async function ensureExtendedKeys(tmux: Tmux): Promise<void> {
  try {
    const value = (await tmux.run("show-options", "-sv", "extended-keys")).trim();
    if (value === "off") await tmux.run("set-option", "-s", "extended-keys", "on");
  } catch {
    // A tmux without the option: Pi's own warning says what to do.
  }
}

/**
 * Brings an existing session back up: each pane whose program ended, or that shows a notice,
 * is restarted with its command as planned now (so a fixed config or package.json is used).
 * Returns the roles restarted; a pane someone closed stays closed.
 */
export async function restartPanes(
  tmux: Tmux,
  panes: PaneInfo[],
  input: { root: string; env: Array<[string, string]>; plans: PanePlan[] },
): Promise<Role[]> {
  const restarted: Role[] = [];
  for (const plan of input.plans) {
    const pane = panes.find((p) => p.role === plan.role);
    if (!pane || !(pane.dead || pane.notice)) continue;
    for (const args of paneOptionArgs(pane.id, plan)) await tmux.run(...args);
    await tmux.run(...respawnArgs(pane.id, input.root, plan, input.env));
    restarted.push(plan.role);
  }
  return restarted;
}

/**
 * Set on a session once it has a relay pane. A session made before the config named a hub has
 * none, and `up` adds it; one that had it and lost it was closed by someone, and stays closed.
 */
const RELAY_MARK = "@spark_relay";

function relayMarkArgs(sessionId: string): string[] {
  return ["set-option", "-t", sessionId, RELAY_MARK, "1"];
}

/**
 * Adds the relay's pane to a session that never had one (made before the hub was configured),
 * where the layout puts it for the window's size now, without taking the focus. Returns its id,
 * or undefined when the plan has no relay or the session had one already.
 */
export async function addRelayPane(
  tmux: Tmux,
  sessionId: string,
  panes: PaneInfo[],
  input: { root: string; node: string; env: Array<[string, string]>; plans: PanePlan[] },
): Promise<string | undefined> {
  const plan = input.plans.find((p) => p.role === "relay");
  if (!plan || panes.some((p) => p.role === "relay")) return undefined;
  const mark = await tmux.run("show-options", "-v", "-t", sessionId, RELAY_MARK).catch(() => "");
  if (mark.trim() === "1") return undefined;
  const anchor = panes.find((p) => p.role === "app") ?? panes.find((p) => p.role !== undefined) ?? panes[0];
  if (!anchor) return undefined;
  const [width = 0, height = 0] = (
    await tmux.run("display-message", "-p", "-t", anchor.id, "#{window_width} #{window_height}")
  )
    .trim()
    .split(" ")
    .map(Number);
  const split = layoutFor(width && height ? { width, height } : undefined).find((l) => l.role === "relay")?.split;
  if (!split) return undefined;
  const [, ...rest] = splitArgs(anchor.id, split, input.root, input.node);
  const id = (await tmux.run("split-window", "-d", ...rest)).trim();
  for (const args of paneOptionArgs(id, plan)) await tmux.run(...args);
  await tmux.run(...respawnArgs(id, input.root, plan, input.env));
  await tmux.run(...relayMarkArgs(sessionId));
  return id;
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}
