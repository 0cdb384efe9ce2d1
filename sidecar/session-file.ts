import { chmodSync, closeSync, existsSync, fstatSync, openSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { FILE_MODE } from "../bus/secure-fs.js";

/**
 * Pi's SessionManager creates a session file with `appendFileSync` at its first flush, so the
 * file would be born with the umask's mode (0644). The sidecar creates it first, empty and
 * 0600: Pi then appends to a private file, and no byte is ever readable by others. (A umask
 * around Pi would not do: its first write comes at any later moment, and a process-wide umask
 * would also make every file the agent writes in the project private.)
 */
export function ownSessionFile(file: string | undefined): void {
  if (!file) return;
  tightenSessionFile(file, true);
}

/**
 * Pi 1.x creates a new session file exclusively (`wx`) at its first flush: a file made ahead
 * of it fails that flush. There the folder (`.spark/sessions`, 0700) keeps the file private
 * until the host tightens its own mode, as soon as it sees the first message written. Returns
 * whether the file exists with the private mode now.
 */
export function tightenSessionFile(file: string | undefined, create = false): boolean {
  if (!file) return false;
  if (!create && !existsSync(file)) return false;
  // "a": creates it if missing (with this mode), never truncates one being continued.
  const fd = openSync(file, "a", FILE_MODE);
  try {
    // A file continued from before this fix, or made by someone else's umask: tighten it.
    if ((fstatSync(fd).mode & 0o777) !== FILE_MODE) chmodSync(file, FILE_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes the session file if Pi never wrote to it (the sidecar ended before any run). */
export function releaseSessionFile(file: string | undefined): void {
  if (file && isEmpty(file)) tryUnlink(file);
}

/**
 * Removes empty session files a killed sidecar left behind (Pi skips them when it looks for
 * the session to continue: they are only clutter). Only old ones: a file just created may be
 * another sidecar's, about to be written.
 */
export function removeStaleEmptySessionFiles(dir: string, olderThanMs = 60_000, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(dir, name);
    if (name.endsWith(".jsonl") && isEmpty(file, now - olderThanMs)) tryUnlink(file);
  }
}

function isEmpty(file: string, changedBefore = Number.POSITIVE_INFINITY): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && stat.size === 0 && stat.mtimeMs < changedBefore;
  } catch {
    return false;
  }
}

function tryUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Gone meanwhile: nothing to do.
  }
}
