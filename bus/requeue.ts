import { lstatSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { BusEntry } from "./browse.js";
import { idFromFileName } from "./event-name.js";
import type { SparkEvent } from "./event-schema.js";
import type { BusPaths } from "./paths.js";
import { readEventFile } from "./read-event.js";
import { REASON_SUFFIX } from "./reject.js";
import { ensurePrivateDir, isErrno, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";

/** What a requeue did, or why it left the file where it was. */
export type RequeueResult =
  | { ok: true; name: string }
  | { ok: false; reason: string; kind: "invalid" | "state" | "exists" | "gone" };

export interface RequeueOptions {
  /** Move the file even if it still fails validation (a consumer will reject it again). */
  force?: boolean;
}

/** The states a person may requeue from. */
const REQUEUEABLE: ReadonlySet<string> = new Set(["rejected", "expired", "delivered"]);

/**
 * Puts a rejected, expired or delivered event back in `events/`, under its original name (so
 * its place in the order is kept), for the next consumer to claim. The file is validated first
 * as a consumer would: a file that would only be rejected again stays put (unless `force`).
 * A rejected file's reason note is removed once it is back. A delivered event (a second look),
 * or one whose deliveries failed, is stamped `requeued` and starts its attempts afresh, so a
 * consumer that had it before sends it again rather than skipping it as a redelivery.
 */
export function requeueEntry(
  paths: BusPaths,
  entry: BusEntry,
  options: RequeueOptions = {},
  now = Date.now(),
): RequeueResult {
  if (!REQUEUEABLE.has(entry.state)) {
    return {
      ok: false,
      kind: "state",
      reason: `it is ${entry.state}: only rejected, expired or delivered events are requeued`,
    };
  }
  const name = originalName(entry.name);
  let event: SparkEvent | undefined;
  if (!options.force) {
    const read = readEventFile(entry.path, name);
    if (!read.ok) {
      if (read.missing) return { ok: false, kind: "gone", reason: "the file is gone (moved or deleted meanwhile)" };
      return { ok: false, kind: "invalid", reason: read.reason };
    }
    event = read.event;
  }
  const target = join(paths.events, name);
  // rename() would silently replace a pending file of the same name.
  if (exists(target)) return { ok: false, kind: "exists", reason: `a pending file named ${name} already exists` };
  ensurePrivateDir(paths.events);
  try {
    if (event && (entry.state === "delivered" || event.delivery !== undefined)) {
      const { delivery: _attempts, ...rest } = event;
      const stamped = { ...rest, requeued: { at: new Date(now).toISOString(), from: entry.state } };
      // Written beside the target first (staged in .tmp/), then the original removed.
      writeFileAtomic(target, JSON.stringify(stamped), paths.tmp);
      unlinkIfExists(entry.path);
    } else {
      renameSync(entry.path, target);
    }
  } catch (error) {
    if (isErrno(error, "ENOENT"))
      return { ok: false, kind: "gone", reason: "the file is gone (moved or deleted meanwhile)" };
    throw error;
  }
  if (entry.state === "rejected") unlinkIfExists(join(paths.rejected, `${entry.name}${REASON_SUFFIX}`));
  return { ok: true, name };
}

/**
 * The name a rejected file had before quarantine: a clash in `rejected/` adds `.<6 hex>`
 * (see `rejectFile`), which must not follow it back into `events/`.
 */
export function originalName(name: string): string {
  const m = /^(.+\.json)\.[0-9a-f]{6}$/.exec(name);
  return m?.[1] !== undefined && idFromFileName(m[1]) !== undefined ? m[1] : name;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return false;
    throw error;
  }
}
