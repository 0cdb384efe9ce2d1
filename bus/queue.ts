import { type Dirent, lstatSync, readdirSync, renameSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { timeFromFileName } from "./event-name.js";
import type { SparkEvent } from "./event-schema.js";
import { type BusPaths, claimDir, RESERVED_EVENT_DIRS } from "./paths.js";
import { readEventFile } from "./read-event.js";
import { rejectFile } from "./reject.js";
import { assertRealDirs, ensurePrivateDir, isErrno } from "./secure-fs.js";

/** An event that this consumer now owns, until it acks or releases it. */
export interface ClaimedEvent {
  /** File name, `<id>.json`. */
  readonly name: string;
  readonly event: SparkEvent;
}

/** A file that a claim found unusable and moved to `rejected/`. */
export interface RejectedFile {
  readonly name: string;
  readonly reason: string;
}

/**
 * Pending entries of `events/`, oldest first. Includes entries that will be rejected on claim.
 * The protocol's own folder names are never events, even when one is a symlink (refused).
 */
export function listPending(paths: BusPaths): string[] {
  return readEntries(paths.events)
    .filter((entry) => !entry.name.startsWith(".") && !RESERVED_EVENT_DIRS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Raw names in `events/` that are not valid UTF-8. `readdir` decodes them lossily, so no file
 * has the decoded name: they can only be handled by their bytes (see `rejectBadNames`).
 */
export function badlyNamedPending(paths: BusPaths): Buffer[] {
  let names: Buffer[];
  try {
    names = readdirSync(paths.events, { encoding: "buffer" });
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  return names.filter((raw) => !Buffer.from(raw.toString("utf8")).equals(raw));
}

/**
 * Claims one pending file by renaming it into `claimed/<consumer-id>/`. The rename is the
 * lock: false means another consumer won (or the file is gone).
 */
export function claimFile(paths: BusPaths, consumerId: string, name: string): boolean {
  const dir = claimDir(paths, consumerId);
  try {
    renameSync(join(paths.events, name), join(dir, name));
    return true;
  } catch (error) {
    if (isErrno(error, "ENOENT")) {
      // Either someone else won, or our claim folder is missing: make it and try once more.
      ensurePrivateDir(dir);
      try {
        renameSync(join(paths.events, name), join(dir, name));
        return true;
      } catch (retry) {
        if (isErrno(retry, "ENOENT")) return false;
        throw retry;
      }
    }
    throw error;
  }
}

export interface ClaimBatchOptions {
  /** At most this many valid events (default 100); the rest waits for the next batch. */
  maxEvents?: number;
  /** Names to skip (already claimed by this consumer in the same pass). */
  names?: readonly string[];
}

/** The valid events a claim pass took, and the files it had to reject. */
export interface ClaimBatchResult {
  claimed: ClaimedEvent[];
  rejected: RejectedFile[];
}

/**
 * Claims up to `maxEvents` valid pending events, oldest first. Files that cannot be read or
 * validated are moved to `rejected/` with a reason; they never stop the pass.
 */
export function claimBatch(paths: BusPaths, consumerId: string, options: ClaimBatchOptions = {}): ClaimBatchResult {
  const max = options.maxEvents ?? 100;
  // Before anything moves: a claim or an ack must never go through a symlinked bus folder.
  assertRealDirs(paths.events, paths.claimed, claimDir(paths, consumerId), paths.delivered, paths.rejected);
  const claimed: ClaimedEvent[] = [];
  const rejected: RejectedFile[] = [];
  const names = options.names ?? listPending(paths);
  // A lossily decoded name (U+FFFD) means a raw name that is not UTF-8: quarantine those first.
  if (names.some((n) => n.includes("\uFFFD"))) rejected.push(...rejectBadNames(paths, consumerId));
  for (const name of names) {
    if (claimed.length >= max) break;
    if (!claimFile(paths, consumerId, name)) continue;
    const path = join(claimDir(paths, consumerId), name);
    const read = readEventFile(path, name);
    if (read.ok) {
      claimed.push({ name, event: read.event });
    } else if (!read.missing) {
      rejectFile(paths, path, name, read.reason, consumerId);
      rejected.push({ name, reason: read.reason });
    }
  }
  return { claimed, rejected };
}

/** Moves pending files whose names are not valid UTF-8 to `rejected/`, under a readable name. */
export function rejectBadNames(paths: BusPaths, by: string): RejectedFile[] {
  const out: RejectedFile[] = [];
  for (const raw of badlyNamedPending(paths)) {
    const reason = "file name is not valid UTF-8 (renamed on rejection; the original bytes are in the name as hex)";
    const name = rejectFile(
      paths,
      Buffer.concat([Buffer.from(`${paths.events}/`), raw]),
      `badname-${raw.toString("hex")}`,
      reason,
      by,
    );
    out.push({ name, reason });
  }
  return out;
}

/** Acknowledges claimed events: they move to `delivered/`. Returns how many moved. */
export function ackClaimed(paths: BusPaths, consumerId: string, names: readonly string[]): number {
  return moveAll(claimDir(paths, consumerId), paths.delivered, names);
}

/**
 * Puts claimed events back in `events/` under the same names (so order is kept). Without
 * `names`, releases everything the consumer holds. Returns how many moved.
 */
export function releaseClaimed(paths: BusPaths, consumerId: string, names?: readonly string[]): number {
  const dir = claimDir(paths, consumerId);
  const list = names ?? readEntries(dir).map((e) => e.name);
  return moveAll(dir, paths.events, list);
}

/** Names this consumer holds in `claimed/<consumer-id>/`. */
export function listClaimed(paths: BusPaths, consumerId: string): string[] {
  return readEntries(claimDir(paths, consumerId))
    .map((e) => e.name)
    .sort();
}

/** Consumer ids that hold claims, with how many each holds. */
export function claimOwners(paths: BusPaths): Map<string, number> {
  const owners = new Map<string, number>();
  for (const entry of readEntries(paths.claimed)) {
    if (entry.isDirectory()) owners.set(entry.name, readEntries(join(paths.claimed, entry.name)).length);
  }
  return owners;
}

/**
 * Releases the claims of every consumer that `isAlive` says is gone, and removes its empty
 * claim folder. Returns the number of events put back.
 */
export function releaseDeadClaims(paths: BusPaths, isAlive: (consumerId: string) => boolean): number {
  let released = 0;
  for (const consumerId of claimOwners(paths).keys()) {
    if (isAlive(consumerId)) continue;
    released += releaseClaimed(paths, consumerId);
    try {
      rmdirSync(claimDir(paths, consumerId));
    } catch {
      // A claim landed meanwhile (the owner is back): leave the folder.
    }
  }
  return released;
}

/** Age of an entry in ms: from the protocol name when it has one, else from its mtime. */
export function entryTime(dir: string, name: string): number | undefined {
  const fromName = timeFromFileName(name);
  if (fromName !== undefined) return fromName;
  try {
    return lstatSync(join(dir, name)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Directory entries, or none when the folder does not exist. */
export function readEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

function moveAll(fromDir: string, toDir: string, names: readonly string[]): number {
  if (names.length === 0) return 0;
  assertRealDirs(fromDir, toDir);
  let moved = 0;
  for (const name of names) {
    try {
      renameSync(join(fromDir, name), join(toDir, name));
      moved++;
    } catch (error) {
      if (isErrno(error, "ENOENT")) {
        // Either the file is gone (already moved) or the target folder is: make it, retry once.
        ensurePrivateDir(toDir);
        try {
          renameSync(join(fromDir, name), join(toDir, name));
          moved++;
        } catch (retry) {
          if (!isErrno(retry, "ENOENT")) throw retry;
        }
        continue;
      }
      throw error;
    }
  }
  return moved;
}
