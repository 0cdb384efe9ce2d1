import { openSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { BusPaths } from "../../bus/paths.js";
import { ensureBusDirs, ensurePrivateDir, FILE_MODE, isErrno, unlinkIfExists } from "../../bus/secure-fs.js";
import { logFileName, logStamp, logsToPrune } from "./log-name.js";

/** A log file opened for one run. */
export interface OpenedLog {
  fd: number;
  path: string;
  /** Relative to the project root, with `/`: what events carry. */
  shown: string;
}

/**
 * Creates `.spark/logs/<name>-<stamp>.log` (0600 in a 0700 folder; `.spark/` gets its
 * `.gitignore`). Never overwrites: a second log in the same second gets `-2`, and so on.
 */
export function openLog(paths: BusPaths, name: string, now = new Date()): OpenedLog {
  ensureBusDirs(paths);
  ensurePrivateDir(paths.logs);
  const stamp = logStamp(now);
  for (let seq = 1; ; seq++) {
    const path = join(paths.logs, logFileName(name, stamp, seq));
    try {
      const fd = openSync(path, "wx", FILE_MODE);
      return { fd, path, shown: relative(paths.root, path).split(sep).join("/") };
    } catch (error) {
      if (!isErrno(error, "EEXIST") || seq > 10_000) throw error;
    }
  }
}

/** Deletes the logs of `name` beyond the newest `keep`; returns the names deleted. */
export function pruneLogs(paths: BusPaths, name: string, keep: number): string[] {
  let files: string[];
  try {
    files = readdirSync(paths.logs);
  } catch {
    return [];
  }
  const doomed = logsToPrune(files, name, keep);
  for (const file of doomed) {
    try {
      unlinkIfExists(join(paths.logs, file));
    } catch {
      // Pruning is housekeeping: a log that cannot be removed now is tried again next run.
    }
  }
  return doomed;
}
