import { lstatSync, rmSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { basename, isAbsolute } from "node:path";
import * as z from "zod/mini";
import { pidExists } from "./liveness.js";
import type { BusPaths } from "./paths.js";
import { jsonErrorWhere } from "./read-event.js";
import { ensurePrivateDir, readRegularFile, writeFileAtomic } from "./secure-fs.js";
import { describeIssues } from "./zod-issues.js";

/** A pause file larger than this is not read: it is unreadable (and so still a pause). */
export const PAUSE_MAX_BYTES = 64 * 1024;

/**
 * A rebase pause is written by `pre-rebase`, before git creates its state folder. While the git
 * process that runs the hook lives, the rebase is starting or running. Across hosts its pid
 * cannot be checked: there, a missing folder means "not started yet" for this long.
 */
export const REBASE_START_GRACE_MS = 60_000;

/** The git state folders whose existence means a rebase is in progress. */
const REBASE_STATE_NAMES = new Set(["rebase-merge", "rebase-apply"]);

const pauseSchema = z.looseObject({
  by: z.string(),
  since: z.iso.datetime({ offset: true }),
  reason: z.string(),
  host: z.optional(z.string()),
  pid: z.optional(z.number()),
  /** What ends the pause besides `resume`: a git rebase (its process, then its state folders). */
  waitsFor: z.optional(
    z.looseObject({
      kind: z.string(),
      paths: z.optional(z.array(z.string())),
      pid: z.optional(z.number()),
      host: z.optional(z.string()),
    }),
  ),
});

/** The body of `.spark/pause`. */
export type PauseInfo = z.output<typeof pauseSchema>;

/** What a pause that waits for a git rebase found: is the rebase still going? */
export interface RebaseWait {
  kind: "git-rebase";
  /** A state folder exists (or the rebase has only just been announced). */
  inProgress: boolean;
  /** The state folders it watches. */
  paths: string[];
}

/** What the pause file says right now. An unreadable file counts as a pause (fail safe). */
export type PauseState =
  | { kind: "none" }
  | { kind: "paused"; pause: PauseInfo; ageMs: number; stale: boolean; waitsFor?: RebaseWait }
  | { kind: "unreadable"; problem: string };

/** How a reader looks at the world around a rebase pause (real by default; tests pass their own). */
export interface RebaseProbe {
  /** Whether a path exists (a dangling symlink counts: lstat). */
  exists(path: string): boolean;
  /** Whether the git process that announced the rebase still runs (its host is this one). */
  pidAlive(pid: number): boolean;
  thisHost: string;
}

const realProbe = (): RebaseProbe => ({ exists: pathExists, pidAlive: pidExists, thisHost: hostname() });

/**
 * Classifies the pause file's content. `content` is undefined when there is no file. A pause
 * older than `staleMs` is stale: it no longer holds events and the sidecar clears it. A pause
 * that waits for a git rebase is never stale while the rebase's state folder exists (`exists`
 * is asked), and is over as soon as it is gone (the rebase finished or was aborted).
 */
export function evaluatePause(
  content: string | undefined,
  now: number,
  staleMs: number,
  probe: RebaseProbe = realProbe(),
): PauseState {
  if (content === undefined) return { kind: "none" };
  let body: unknown;
  try {
    body = JSON.parse(content);
  } catch (error) {
    return { kind: "unreadable", problem: `not valid JSON${jsonErrorWhere(error)}` };
  }
  const parsed = pauseSchema.safeParse(body);
  if (!parsed.success) return { kind: "unreadable", problem: describeIssues(parsed.error) };
  const ageMs = Math.max(0, now - Date.parse(parsed.data.since));
  const rebase = rebaseWait(parsed.data, ageMs, probe);
  if (!rebase) return { kind: "paused", pause: parsed.data, ageMs, stale: ageMs > staleMs };
  return { kind: "paused", pause: parsed.data, ageMs, stale: !rebase.inProgress, waitsFor: rebase };
}

/**
 * The rebase a pause waits for, if it names one. Only absolute paths to git's own rebase state
 * folders count: the file is on the bus, and it must not make Spark probe arbitrary paths.
 */
function rebaseWait(pause: PauseInfo, ageMs: number, probe: RebaseProbe): RebaseWait | undefined {
  const wait = pause.waitsFor;
  if (wait?.kind !== "git-rebase") return undefined;
  const paths = (wait.paths ?? []).filter((p) => isAbsolute(p) && REBASE_STATE_NAMES.has(basename(p)));
  if (paths.length === 0) return undefined;
  const local = wait.pid !== undefined && wait.host === probe.thisHost;
  const starting = local ? probe.pidAlive(wait.pid as number) : ageMs <= REBASE_START_GRACE_MS;
  return { kind: "git-rebase", inProgress: starting || paths.some((p) => probe.exists(p)), paths };
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True when the pause file holds events back: a fresh manual pause, or an unreadable file. */
export function pauseHolds(state: PauseState): boolean {
  return state.kind === "unreadable" || (state.kind === "paused" && !state.stale);
}

/**
 * Reads and classifies `.spark/pause` like an event file: never following a symlink, never
 * blocking on a FIFO, never reading more than `PAUSE_MAX_BYTES`. Anything else there is an
 * unreadable pause, which holds (fail safe).
 */
export function readPause(paths: BusPaths, staleMs: number, now = Date.now()): PauseState {
  const read = readRegularFile(paths.pause, PAUSE_MAX_BYTES);
  if (!read.ok) {
    if (read.reason === "missing") return { kind: "none" };
    if (read.reason === "not-a-file") {
      return { kind: "unreadable", problem: "not a regular file (a symlink, folder or FIFO is never read)" };
    }
    if (read.reason === "too-large") {
      return { kind: "unreadable", problem: `${read.size} bytes, over the ${PAUSE_MAX_BYTES}-byte limit` };
    }
    return { kind: "unreadable", problem: `cannot read it (${read.code})` };
  }
  return evaluatePause(read.bytes.toString("utf8"), now, staleMs);
}

/** Writes a manual pause atomically and returns what was written. */
export function writePause(
  paths: BusPaths,
  input: {
    by: string;
    reason?: string | undefined;
    now?: number | undefined;
    /** A git rebase: its process, and its state folders. The pause holds while either is there. */
    rebase?: { paths: readonly string[]; gitPid: number | undefined } | undefined;
  },
): PauseInfo {
  const pause: PauseInfo = {
    by: input.by,
    since: new Date(input.now ?? Date.now()).toISOString(),
    reason: input.reason ?? "",
    host: hostname(),
    pid: process.pid,
    ...(input.rebase
      ? {
          waitsFor: {
            kind: "git-rebase",
            paths: [...input.rebase.paths],
            ...(input.rebase.gitPid ? { pid: input.rebase.gitPid, host: hostname() } : {}),
          },
        }
      : {}),
  };
  ensurePrivateDir(paths.spark);
  writeFileAtomic(paths.pause, `${JSON.stringify(pause, null, 2)}\n`);
  return pause;
}

/**
 * Removes the manual pause. With `onlyBy`, removes it only when that writer set it (a git
 * hook clears its own pause, never a person's). Returns true when a pause was removed.
 */
export function clearPause(paths: BusPaths, options: { onlyBy?: string } = {}): boolean {
  if (options.onlyBy !== undefined) {
    const state = readPause(paths, Number.POSITIVE_INFINITY);
    if (state.kind !== "paused" || state.pause.by !== options.onlyBy) return false;
  }
  // rm, not unlink: an "unreadable" pause may be a folder someone made by mistake. lstat: a
  // symlink is removed itself (never its target), and a dangling one still counts.
  const existed = pathExists(paths.pause);
  rmSync(paths.pause, { recursive: true, force: true });
  return existed;
}

/** Who is pausing, by default: the OS user name (`fallback` when there is none to read). */
export function currentUser(fallback = "someone"): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? fallback;
  }
}
