import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { type BusPaths, busFolders } from "./paths.js";

/** Mode of every folder Spark creates: events hold stack traces and request data. */
export const DIR_MODE = 0o700;
/** Mode of every file Spark creates. */
export const FILE_MODE = 0o600;

const SPARK_GITIGNORE = "# Spark's local bus state: never commit it.\n*\n!.gitignore\n";

/** Creates `dir` (and parents) private to the owner; tightens it if it already exists looser. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  // lstat: a symlinked folder is left as it is; chmod would change its target's mode.
  const stat = lstatSync(dir);
  if (stat.isDirectory() && (stat.mode & 0o777) !== DIR_MODE) chmodSync(dir, DIR_MODE);
}

const prepared = new Set<string>();

/**
 * Creates the bus folders (0700) and `.spark/.gitignore` once per process.
 * Call `force` after an ENOENT to re-create folders someone removed.
 */
export function ensureBusDirs(paths: BusPaths, force = false): void {
  const key = `${paths.spark}\0${paths.events}\0${paths.agents}`;
  if (prepared.has(key) && !force) return;
  for (const dir of busFolders(paths)) ensurePrivateDir(dir);
  const gitignore = join(paths.spark, ".gitignore");
  if (!existsSync(gitignore)) writeFileSync(gitignore, SPARK_GITIGNORE, { mode: FILE_MODE });
  prepared.add(key);
}

/**
 * Writes `data` to `target` atomically: a 0600 temp file in `stageDir` (same filesystem),
 * then a rename. Readers see the old file or the new one, never a partial one.
 */
export function writeFileAtomic(target: string, data: string, stageDir = dirname(target)): void {
  const tmp = join(stageDir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(tmp, data, { mode: FILE_MODE, flag: "wx" });
  try {
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Removes a file, ignoring one that is already gone. */
export function unlinkIfExists(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return false;
    throw error;
  }
}

/** True when `error` is a Node system error with the given code. */
export function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as NodeJS.ErrnoException).code === code;
}

/** Result of reading a small file without following symlinks. */
export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: "missing" | "not-a-file" | "too-large" | "unreadable"; size?: number; code?: string };

/**
 * Reads a regular file of at most `maxBytes` without following a symlink and without
 * reading an oversize file whole.
 */
export function readRegularFile(path: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return { ok: false, reason: "missing" };
    if (isErrno(error, "ELOOP") || isErrno(error, "EISDIR") || isErrno(error, "ENXIO")) {
      return { ok: false, reason: "not-a-file" };
    }
    return { ok: false, reason: "unreadable", code: (error as NodeJS.ErrnoException).code ?? "unknown" };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: "not-a-file" };
    if (stat.size > maxBytes) return { ok: false, reason: "too-large", size: stat.size };
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, bytes, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, bytes: bytes.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}
