import { readFileSync } from "node:fs";
/** How a presence record is judged alive (bus-protocol.md, "Presence"). Pure. */

/** Heartbeat age after which an agent counts as gone. */
export const PRESENCE_TTL_MS = 30_000;
/** How often a live agent refreshes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** Asks the OS whether a pid exists on this host. */
export type PidProbe = (pid: number) => boolean;

export interface LivenessFacts {
  now: number;
  thisHost: string;
  pidExists: PidProbe;
  ttlMs?: number;
}

/**
 * Alive = heartbeat younger than the TTL and, on this host only, the pid exists. A pid on
 * another host is never checked: across containers and Sprites only the heartbeat counts.
 */
export function isPresenceAlive(
  record: { host: string; pid: number; heartbeatAt: string },
  facts: LivenessFacts,
): boolean {
  const beat = Date.parse(record.heartbeatAt);
  if (Number.isNaN(beat) || facts.now - beat > (facts.ttlMs ?? PRESENCE_TTL_MS)) return false;
  if (record.host !== facts.thisHost) return true;
  return facts.pidExists(record.pid);
}

/**
 * `kill(pid, 0)`: success or `EPERM` (a live process of another user) mean alive; only
 * `ESRCH` means dead.
 */
export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
  return !isZombie(pid);
}

/**
 * A process that has ended but was not reaped yet still answers kill(0). In a container whose
 * first process reaps nothing (and tmux's panes end up there when their program is killed), it
 * stays so for good: on Linux its state in /proc says it is dead. Elsewhere: not a zombie.
 */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // The state follows the command name, which may hold spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}
