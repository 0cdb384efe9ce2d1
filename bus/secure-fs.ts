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
  type Stats,
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

/**
 * A bus folder that is a symlink (or not a folder at all). Spark never reads, moves or deletes
 * through one: an ack into a symlinked `delivered/` would write wherever the link points.
 */
export class UnsafeFolderError extends Error {
  override readonly name = "UnsafeFolderError";
  constructor(
    readonly dir: string,
    what: string,
  ) {
    super(
      `Spark refuses ${dir}: it is ${what}, not a folder of its own. Remove it (\`rm ${dir}\`) and Spark creates a real, private folder there.`,
    );
  }
}

/**
 * Creates `dir` (and parents) private to the owner; tightens it if it already exists looser.
 * Throws `UnsafeFolderError` when `dir` is a symlink or not a folder.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    // A dangling symlink (or a file) where the folder belongs: say which, below.
    if (!isErrno(error, "EEXIST")) throw error;
  }
  // lstat: a symlink is refused, never followed (chmod would change its target's mode).
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new UnsafeFolderError(dir, describeNonFolder(stat));
  if ((stat.mode & 0o777) !== DIR_MODE) chmodSync(dir, DIR_MODE);
}

/**
 * Throws `UnsafeFolderError` when any of `dirs` exists as something other than a real folder
 * (a symlink above all). Missing folders pass: whoever needs one creates it.
 */
export function assertRealDirs(...dirs: string[]): void {
  for (const dir of dirs) {
    let stat: Stats;
    try {
      stat = lstatSync(dir);
    } catch (error) {
      if (isErrno(error, "ENOENT")) continue;
      throw error;
    }
    if (!stat.isDirectory()) throw new UnsafeFolderError(dir, describeNonFolder(stat));
  }
}

function describeNonFolder(stat: Stats): string {
  if (stat.isSymbolicLink()) return "a symlink";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isFile()) return "a file";
  return "a special file";
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
 * Temp names: unique per process by a counter, and across processes (a reused pid, another
 * host on a shared folder) by a tag drawn once; a relay taking a storm writes thousands.
 */
const STAGE_TAG = randomBytes(4).toString("hex");
let staged = 0;

/**
 * Writes `data` to `target` atomically: a 0600 temp file in `stageDir` (same filesystem),
 * then a rename. Readers see the old file or the new one, never a partial one.
 */
export function writeFileAtomic(target: string, data: string, stageDir = dirname(target)): void {
  const tmp = join(stageDir, `.${basename(target)}.${process.pid}.${STAGE_TAG}${++staged}.tmp`);
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

/** An open regular file, or why it could not be opened as one. */
export type RegularFileOpen =
  | { ok: true; fd: number; size: number }
  | { ok: false; reason: "missing" | "not-a-file" | "unreadable"; code?: string };

/**
 * Opens a regular file for reading without following a symlink and without blocking (a FIFO
 * opened for reading would wait for a writer forever). The caller closes `fd`.
 */
export function openRegularFile(path: string): RegularFileOpen {
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
    if (stat.isFile()) return { ok: true, fd, size: stat.size };
  } catch (error) {
    closeSync(fd);
    return { ok: false, reason: "unreadable", code: (error as NodeJS.ErrnoException).code ?? "unknown" };
  }
  closeSync(fd);
  return { ok: false, reason: "not-a-file" };
}

/**
 * Reads a regular file of at most `maxBytes` without following a symlink and without
 * reading an oversize file whole.
 */
export function readRegularFile(path: string, maxBytes: number): BoundedRead {
  const opened = openRegularFile(path);
  if (!opened.ok) return opened;
  const { fd, size } = opened;
  try {
    if (size > maxBytes) return { ok: false, reason: "too-large", size };
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, bytes: bytes.subarray(0, read) };
  } finally {
    closeSync(fd);
  }
}

/**
 * A small JSON record read like an event (`readRegularFile`) and checked by `schema`: the
 * record, or undefined when the file is missing, not a regular file, too large, not JSON or
 * not valid.
 */
export function readJsonRecord<T>(
  path: string,
  schema: { safeParse(value: unknown): { success: boolean; data?: T } },
  maxBytes = 64 * 1024,
): T | undefined {
  const read = readRegularFile(path, maxBytes);
  if (!read.ok) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(read.bytes.toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
