import { randomBytes } from "node:crypto";
import { linkSync, lstatSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import * as z from "zod/mini";
import { ago } from "./format/ago.js";
import { isPresenceAlive, type LivenessFacts, PRESENCE_TTL_MS } from "./liveness.js";
import type { BusPaths } from "./paths.js";
import { localLivenessFacts } from "./presence.js";
import { ensurePrivateDir, FILE_MODE, isErrno, readRegularFile, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";

/**
 * `.spark/sidecar.lock`: one sidecar per project. Two would both claim, both edit files and both
 * continue the same session file. The holder refreshes `heartbeatAt`; the lock is alive by the
 * presence rules (heartbeat younger than the TTL and, on this host, the pid exists), so a
 * SIGKILLed sidecar never blocks the next one, and across hosts only the heartbeat counts.
 */
const lockSchema = z.looseObject({
  id: z.string(),
  pid: z.number(),
  host: z.string(),
  startedAt: z.iso.datetime({ offset: true }),
  heartbeatAt: z.iso.datetime({ offset: true }),
  cwd: z.optional(z.string()),
});

/** The body of the lock: who holds it, where, since when. */
export type SidecarLockInfo = z.output<typeof lockSchema>;

/** A lock this process holds. */
export interface HeldSidecarLock {
  readonly info: SidecarLockInfo;
  /** Writes a fresh heartbeat; false when the lock is no longer ours (another sidecar took it). */
  refresh(now?: number): boolean;
  /** Removes the lock if it is still ours. */
  release(): void;
}

/** The lock, or who holds it (`holder` undefined: a lock file that cannot be read, and is recent). */
export type AcquireResult =
  | { ok: true; lock: HeldSidecarLock }
  | { ok: false; holder: SidecarLockInfo | undefined; problem?: string };

const LOCK_MAX_BYTES = 4096;

/** Where the lock lives. */
export function sidecarLockPath(paths: BusPaths): string {
  return join(paths.spark, "sidecar.lock");
}

/** Reads the lock: its holder, `undefined` when there is none, or why it cannot be read. */
export function readSidecarLock(paths: BusPaths): { info: SidecarLockInfo } | { problem: string } | undefined {
  const read = readRegularFile(sidecarLockPath(paths), LOCK_MAX_BYTES);
  if (!read.ok) return read.reason === "missing" ? undefined : { problem: read.reason };
  try {
    const parsed = lockSchema.safeParse(JSON.parse(read.bytes.toString("utf8")));
    return parsed.success ? { info: parsed.data } : { problem: "not a valid lock" };
  } catch {
    return { problem: "not valid JSON" };
  }
}

/**
 * Why a second sidecar may not start, and what to do: who holds the lock (pid, host, since
 * when) and how to stop it. Pure.
 */
export function lockRefusal(
  refused: Extract<AcquireResult, { ok: false }>,
  context: { now: number; thisHost: string; lockFile: string },
): string {
  const holder = refused.holder;
  if (!holder) {
    return [
      `Spark cannot tell who holds ${context.lockFile} (${refused.problem ?? "unreadable"}), and it changed recently.`,
      `If no sidecar runs for this project, remove it (\`rm ${context.lockFile}\`) and start again.`,
    ].join("\n");
  }
  const since = `since ${holder.startedAt} (${ago(context.now - Date.parse(holder.startedAt))})`;
  if (holder.host !== context.thisHost) {
    return [
      `Another Spark sidecar is already running for this project: pid ${holder.pid} on host ${holder.host} (another machine sharing this folder), ${since}.`,
      `Stop it there (\`kill ${holder.pid}\` on ${holder.host}); if that machine is gone, its lock lapses ${Math.round(PRESENCE_TTL_MS / 1000)}s after its last heartbeat (${holder.heartbeatAt}).`,
    ].join("\n");
  }
  return [
    `Another Spark sidecar is already running for this project: pid ${holder.pid} on this host (${holder.host}), ${since}.`,
    `Use that one, or stop it first: \`q\` or Ctrl-C in its terminal (\`manifest down\` if \`manifest up\` started it), or \`kill ${holder.pid}\`.`,
  ].join("\n");
}

/** Whether the holder of a lock is alive (the presence rules). Pure. */
export function lockHolderAlive(info: SidecarLockInfo, facts: LivenessFacts): boolean {
  return isPresenceAlive(info, facts);
}

/**
 * Takes the lock for this process, or says who holds it. Creation is atomic: a fully written
 * file is hard-linked into place, which fails if one is there. A dead holder's lock is removed
 * only under a short-lived takeover file (taken the same way) and after a second look: two
 * starters that both judged the old lock dead can never remove the lock one of them has just
 * taken. Then the take is tried again.
 */
export function acquireSidecarLock(
  paths: BusPaths,
  input: { id: string; cwd?: string; facts?: LivenessFacts },
): AcquireResult {
  const facts = input.facts ?? localLivenessFacts();
  const lockPath = sidecarLockPath(paths);
  ensurePrivateDir(paths.spark);
  const at = new Date(facts.now).toISOString();
  const info: SidecarLockInfo = {
    id: input.id,
    pid: process.pid,
    host: hostname(),
    startedAt: at,
    heartbeatAt: at,
    ...(input.cwd ? { cwd: input.cwd } : {}),
  };
  const body = `${JSON.stringify(info, null, 2)}\n`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(paths, lockPath, body)) return { ok: true, lock: held(paths, info) };
    const found = readSidecarLock(paths);
    if (found === undefined) continue; // released meanwhile: try again
    if ("info" in found) {
      if (lockHolderAlive(found.info, facts)) return { ok: false, holder: found.info };
    } else if (!olderThan(lockPath, facts.now, facts.ttlMs ?? PRESENCE_TTL_MS)) {
      // Junk no live sidecar would write, but recent: it may be a person's doing. Say so.
      return { ok: false, holder: undefined, problem: found.problem };
    }
    if (!removeDeadLock(paths, lockPath, facts)) sleepMs(5); // another starter is removing it
  }
  const holder = readSidecarLock(paths);
  return { ok: false, holder: holder && "info" in holder ? holder.info : undefined, problem: "the lock kept changing" };
}

/** Links a fully written file into `target`; false when something is already there. */
function createExclusive(paths: BusPaths, target: string, body: string): boolean {
  const staged = join(paths.spark, `.sidecar.lock.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(staged, body, { mode: FILE_MODE, flag: "wx" });
  try {
    linkSync(staged, target);
    return true;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return false;
    throw error;
  } finally {
    unlinkIfExists(staged);
  }
}

/** A takeover file older than this was left by a starter that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Under the takeover file, looks at the lock again and removes it if it is (still) dead.
 * Returns false when another starter holds the takeover file.
 */
function removeDeadLock(paths: BusPaths, lockPath: string, facts: LivenessFacts): boolean {
  const takeover = `${lockPath}.takeover`;
  if (!createExclusive(paths, takeover, `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`)) {
    if (olderThan(takeover, Date.now(), TAKEOVER_STALE_MS)) unlinkIfExists(takeover);
    return false;
  }
  try {
    const found = readSidecarLock(paths);
    if (found === undefined) return true;
    const dead =
      "info" in found
        ? !lockHolderAlive(found.info, { ...facts, now: Date.now() })
        : olderThan(lockPath, Date.now(), facts.ttlMs ?? PRESENCE_TTL_MS);
    if (dead) unlinkIfExists(lockPath);
    return true;
  } finally {
    unlinkIfExists(takeover);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function held(paths: BusPaths, info: SidecarLockInfo): HeldSidecarLock {
  const lockPath = sidecarLockPath(paths);
  const ours = () => {
    const found = readSidecarLock(paths);
    return found !== undefined && "info" in found && found.info.id === info.id;
  };
  return {
    info,
    refresh(now = Date.now()) {
      if (!ours()) return false;
      writeFileAtomic(lockPath, `${JSON.stringify({ ...info, heartbeatAt: new Date(now).toISOString() }, null, 2)}\n`);
      return true;
    },
    release() {
      if (ours()) unlinkIfExists(lockPath);
    },
  };
}

function olderThan(path: string, now: number, ageMs: number): boolean {
  try {
    return now - lstatSync(path).mtimeMs > ageMs;
  } catch {
    return true;
  }
}
