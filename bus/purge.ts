import { lstatSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { type BusEntry, type EventState, entryWrittenAt, stateDir } from "./browse.js";
import type { BusPaths } from "./paths.js";
import { REASON_SUFFIX } from "./reject.js";
import { isErrno } from "./secure-fs.js";

/** The states a purge touches unless told otherwise: history, never work in progress. */
export const PURGEABLE_BY_DEFAULT: readonly EventState[] = ["delivered", "rejected", "expired"];

export interface PurgeSelection {
  states: readonly EventState[];
  /** Only entries written longer ago than this. */
  olderThanMs?: number;
  now?: number;
}

/**
 * The entries a purge would delete: in one of `states` and, with `olderThanMs`, written
 * before `now - olderThanMs` (entries whose time cannot be told are kept). Pure but for the
 * mtime of foreign names.
 */
export function selectForPurge<T extends BusEntry>(entries: readonly T[], selection: PurgeSelection): T[] {
  const now = selection.now ?? Date.now();
  return entries.filter((entry) => {
    if (!selection.states.includes(entry.state)) return false;
    if (selection.olderThanMs === undefined) return true;
    const time = entryWrittenAt(entry);
    return time !== undefined && now - time > selection.olderThanMs;
  });
}

/**
 * Deletes an entry for good (folders too) and a rejected file's reason note. False when it
 * was already gone, or when it sits in a bus folder that was replaced by a symlink: that
 * could point at a person's files, and deleting never goes through it (as in retention).
 */
export function deleteEntry(paths: BusPaths, entry: BusEntry): boolean {
  if (!inRealFolders(paths, entry)) return false;
  let existed = true;
  try {
    lstatSync(entry.path);
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
    existed = false;
  }
  rmSync(entry.path, { recursive: true, force: true });
  if (entry.state === "rejected") rmSync(join(paths.rejected, `${entry.name}${REASON_SUFFIX}`), { force: true });
  return existed;
}

/** The folders between `events/` and the entry are real folders, not symlinks. */
function inRealFolders(paths: BusPaths, entry: BusEntry): boolean {
  if (entry.state === "pending") return true;
  const dirs = entry.state === "claimed" ? [paths.claimed, dirname(entry.path)] : [stateDir(paths, entry.state)];
  return dirs.every((dir) => {
    try {
      return lstatSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
}
