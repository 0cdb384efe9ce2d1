import { lstatSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { occurrencesOf } from "./group.js";
import { expiryClockStart } from "./hold-note.js";
import type { BusPaths } from "./paths.js";
import { entryTime, listPending, readEntries } from "./queue.js";
import { readEventFile } from "./read-event.js";
import { REASON_SUFFIX } from "./reject.js";
import { ensurePrivateDir, isErrno } from "./secure-fs.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Staged files older than this are leftovers of a crashed writer. */
export const TMP_SWEEP_AGE_MS = 10 * MINUTE;

/**
 * Moves pending events older than `maxAgeMs` to `expired/` (kept, never dropped) and returns
 * their names so the caller can report them. An event written before `heldUntil` waited
 * through a hold (see hold-note.ts): its age counts from then.
 */
export function expirePending(paths: BusPaths, maxAgeMs: number, now = Date.now(), heldUntil?: number): string[] {
  const expired: string[] = [];
  for (const name of listPending(paths)) {
    const time = entryTime(paths.events, name);
    if (time === undefined || now - expiryClockStart(time, heldUntil) <= maxAgeMs) continue;
    try {
      ensurePrivateDir(paths.expired);
      renameSync(join(paths.events, name), join(paths.expired, name));
      expired.push(name);
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
  }
  return expired;
}

export interface RetentionOptions {
  /** Keep at most this many entries per folder (default 1000). */
  maxFiles?: number;
  /** Drop entries older than this (default 7 days). */
  maxAgeMs?: number;
  now?: number;
}

/**
 * Applies retention to `delivered/`, `rejected/` and `expired/`: the newest `maxFiles`
 * entries younger than `maxAgeMs` stay. Returns how many entries were removed.
 */
export function applyRetention(paths: BusPaths, options: RetentionOptions = {}): number {
  let removed = 0;
  for (const dir of [paths.delivered, paths.rejected, paths.expired]) removed += pruneFolder(dir, options);
  return removed;
}

function pruneFolder(dir: string, options: RetentionOptions): number {
  if (!isRealDir(dir)) return 0;
  const maxFiles = options.maxFiles ?? 1000;
  const maxAgeMs = options.maxAgeMs ?? 7 * DAY;
  const now = options.now ?? Date.now();
  const entries = readEntries(dir)
    .map((e) => e.name)
    .filter((name) => !name.endsWith(REASON_SUFFIX) && !name.startsWith("."))
    .map((name) => ({ name, time: entryTime(dir, name) ?? now }))
    .sort((a, b) => b.time - a.time || (a.name < b.name ? 1 : -1));
  let removed = 0;
  entries.forEach((entry, index) => {
    if (index < maxFiles && now - entry.time <= maxAgeMs) return;
    rmSync(join(dir, entry.name), { recursive: true, force: true });
    rmSync(join(dir, `${entry.name}${REASON_SUFFIX}`), { force: true });
    removed++;
  });
  return removed;
}

/** Removes staged files in `events/.tmp/` older than `maxAgeMs` (default 10 minutes). */
export function sweepTmp(paths: BusPaths, maxAgeMs = TMP_SWEEP_AGE_MS, now = Date.now()): number {
  let swept = 0;
  if (!isRealDir(paths.tmp)) return 0;
  for (const entry of readEntries(paths.tmp)) {
    const path = join(paths.tmp, entry.name);
    try {
      if (now - lstatSync(path).mtimeMs <= maxAgeMs) continue;
      rmSync(path, { recursive: true, force: true });
      swept++;
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
  }
  return swept;
}

/** How many entries each bus folder holds (rejected counts files, not their reason notes). */
export interface BusCounts {
  pending: number;
  claimed: number;
  delivered: number;
  rejected: number;
  expired: number;
}

/** Counts events in every bus folder with one `readdir` each. */
export function countEvents(paths: BusPaths): BusCounts {
  const count = (dir: string) =>
    readEntries(dir).filter((e) => !e.name.startsWith(".") && !e.name.endsWith(REASON_SUFFIX)).length;
  let claimed = 0;
  for (const owner of readEntries(paths.claimed)) {
    if (owner.isDirectory()) claimed += readEntries(join(paths.claimed, owner.name)).length;
  }
  return {
    pending: listPending(paths).length,
    claimed,
    delivered: count(paths.delivered),
    rejected: count(paths.rejected),
    expired: count(paths.expired),
  };
}

/**
 * Occurrences that writers counted instead of writing (their budget), summed over the
 * `repeats.count` of pending summary events: the part of a storm no file shows. Reads at most
 * `maxFiles` pending events (`partial` says when there were more).
 */
export function pendingRepeats(paths: BusPaths, maxFiles = 2000): { repeats: number; partial: boolean } {
  const names = listPending(paths);
  let repeats = 0;
  for (const name of names.slice(0, maxFiles)) {
    const read = readEventFile(join(paths.events, name), name);
    if (read.ok) repeats += occurrencesOf(read.event) - 1;
  }
  return { repeats, partial: names.length > maxFiles };
}

/**
 * Deleting goes only into real folders: a bus folder replaced by a symlink could point at a
 * person's files, and sweeping or retention must never delete through it.
 */
function isRealDir(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}
