import { readdirSync, readFileSync } from "node:fs";
import type { Role } from "./panes.js";
import type { PaneInfo } from "./session.js";

/**
 * What each pane is asked to stop with. Pi and the sidecar shut down cleanly on SIGTERM
 * (presence removed, claims released); the app gets Ctrl+C's SIGINT, which `manifest run`
 * passes on and counts as an interruption, not a failure (no event).
 */
export const STOP_SIGNALS: Readonly<Record<Role, NodeJS.Signals>> = {
  human: "SIGTERM",
  sidecar: "SIGTERM",
  app: "SIGINT",
  relay: "SIGTERM",
};

/** How one pane's program ended. */
export interface PaneStop {
  role: Role;
  id: string;
  /** The signal sent, or null when the program had already ended. */
  signal: NodeJS.Signals | null;
  /** Whether it (and everything it started in its pane) ended before the deadline. */
  stopped: boolean;
}

/** Signals and process checks, injected so the waiting is tested without processes. */
export interface ProcessControl {
  /** Sends `signal` to the process group `pgid` (a pane's program leads its own). */
  signal(pgid: number, signal: NodeJS.Signals): void;
  /** Whether any process of group `pgid` is left. */
  alive(pgid: number): boolean;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** Real processes: a pane's program is a session leader, so its pid is its process group. */
export const realProcesses: ProcessControl = {
  signal(pgid, signal) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // Gone already, or not ours to signal: the wait below tells which.
    }
  },
  alive(pgid) {
    try {
      process.kill(-pgid, 0);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
    // A zombie still counts for kill(), and tmux does not always reap a pane's program at
    // once: on Linux, only a process that still runs counts.
    return livingMembers(pgid) !== 0;
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/** How many processes of group `pgid` are not zombies, from /proc; -1 where there is no /proc. */
function livingMembers(pgid: number): number {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return -1;
  }
  let living = 0;
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") living++;
  }
  return living;
}

/** State and process group from /proc/<pid>/stat (the name before them may hold spaces and parentheses). */
export function parseProcStat(text: string): { state: string; pgrp: number } | undefined {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const pgrp = Number(fields[2]);
  return fields[0] && Number.isInteger(pgrp) ? { state: fields[0], pgrp } : undefined;
}

function procStat(pid: string): { state: string; pgrp: number } | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    // It ended while we looked.
    return undefined;
  }
}

/**
 * Asks every running Spark pane to stop (all at once) and waits until their process groups
 * are empty or `timeoutMs` has passed. Panes without a role (opened by the person) are left
 * to tmux, which hangs them up when the session is killed.
 */
export async function stopPanes(panes: PaneInfo[], timeoutMs: number, p: ProcessControl = realProcesses) {
  const results: PaneStop[] = [];
  for (const pane of panes) {
    if (!pane.role) continue;
    const running = !pane.dead && p.alive(pane.pid);
    const signal = running ? STOP_SIGNALS[pane.role] : null;
    if (signal) p.signal(pane.pid, signal);
    results.push({ role: pane.role, id: pane.id, signal, stopped: !running });
  }
  const deadline = p.now() + timeoutMs;
  for (;;) {
    for (const r of results) {
      const pane = panes.find((x) => x.id === r.id);
      if (!r.stopped && pane && !p.alive(pane.pid)) r.stopped = true;
    }
    if (results.every((r) => r.stopped) || p.now() >= deadline) return results;
    await p.sleep(100);
  }
}
