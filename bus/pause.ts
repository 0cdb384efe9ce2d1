import { existsSync, readFileSync, rmSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import * as z from "zod/mini";
import type { BusPaths } from "./paths.js";
import { jsonErrorWhere } from "./read-event.js";
import { ensurePrivateDir, isErrno, writeFileAtomic } from "./secure-fs.js";
import { describeIssues } from "./zod-issues.js";

const pauseSchema = z.looseObject({
  by: z.string(),
  since: z.iso.datetime({ offset: true }),
  reason: z.string(),
  host: z.optional(z.string()),
  pid: z.optional(z.number()),
});

/** The body of `.spark/pause`. */
export type PauseInfo = z.output<typeof pauseSchema>;

/** What the pause file says right now. An unreadable file counts as a pause (fail safe). */
export type PauseState =
  | { kind: "none" }
  | { kind: "paused"; pause: PauseInfo; ageMs: number; stale: boolean }
  | { kind: "unreadable"; problem: string };

/**
 * Classifies the pause file's content (pure). `content` is undefined when there is no file.
 * A pause older than `staleMs` is stale: it no longer holds events and the sidecar clears it.
 */
export function evaluatePause(content: string | undefined, now: number, staleMs: number): PauseState {
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
  return { kind: "paused", pause: parsed.data, ageMs, stale: ageMs > staleMs };
}

/** True when the pause file holds events back: a fresh manual pause, or an unreadable file. */
export function pauseHolds(state: PauseState): boolean {
  return state.kind === "unreadable" || (state.kind === "paused" && !state.stale);
}

/** Reads and classifies `.spark/pause`. */
export function readPause(paths: BusPaths, staleMs: number, now = Date.now()): PauseState {
  let content: string;
  try {
    content = readFileSync(paths.pause, "utf8");
  } catch (error) {
    if (isErrno(error, "ENOENT")) return { kind: "none" };
    return {
      kind: "unreadable",
      problem: `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    };
  }
  return evaluatePause(content, now, staleMs);
}

/** Writes a manual pause atomically and returns what was written. */
export function writePause(
  paths: BusPaths,
  input: { by: string; reason?: string | undefined; now?: number | undefined },
): PauseInfo {
  const pause: PauseInfo = {
    by: input.by,
    since: new Date(input.now ?? Date.now()).toISOString(),
    reason: input.reason ?? "",
    host: hostname(),
    pid: process.pid,
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
  // rm, not unlink: an "unreadable" pause may be a folder someone made by mistake.
  const existed = existsSync(paths.pause);
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
