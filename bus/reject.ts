import { randomBytes } from "node:crypto";
import { existsSync, renameSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { BusPaths } from "./paths.js";
import { ensurePrivateDir, writeFileAtomic } from "./secure-fs.js";

/** The `<name>.reason.json` written beside every rejected file. */
export interface RejectReason {
  reason: string;
  /** ISO time of the rejection. */
  at: string;
  /** Who rejected it (consumer id, or a command name). */
  by: string;
}

/** Suffix of the reason file that sits beside a rejected file. */
export const REASON_SUFFIX = ".reason.json";

/**
 * Quarantines a file: moves it to `rejected/` (never deleting it) and writes
 * `<name>.reason.json` beside it. Returns the name it got in `rejected/`.
 */
export function rejectFile(
  paths: BusPaths,
  fromPath: string | Buffer,
  name: string,
  reason: string,
  by: string,
): string {
  ensurePrivateDir(paths.rejected);
  // Foreign names can repeat; protocol names never do.
  const target = existsSync(join(paths.rejected, name)) ? `${name}.${randomBytes(3).toString("hex")}` : name;
  renameSync(fromPath, join(paths.rejected, target));
  const body: RejectReason = { reason, at: new Date().toISOString(), by: by || `pid ${process.pid}@${hostname()}` };
  writeFileAtomic(join(paths.rejected, `${target}${REASON_SUFFIX}`), `${JSON.stringify(body, null, 2)}\n`);
  return target;
}
