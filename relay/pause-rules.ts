/**
 * Pause ⇄ KV key, pure. One key per project in the pause bucket holds the fleet's pause; each
 * relay mirrors it into its own `.spark/pause` and pushes local changes back with
 * compare-and-set (create when there is none, update or delete at the revision it last saw).
 * The decision is a three-way merge against the value both sides last agreed on.
 */
import { evaluatePause, type PauseInfo, type PauseState } from "../bus/pause.js";

/** What `manifest spark pause` writes when a git hook pauses: that pause is local. */
const LOCAL_PAUSE_BY = /^git-hook:/;

/** The pause as one side sees it. `local-only` and `unreadable` exist on this machine only. */
export type PauseSide =
  | { kind: "none" }
  | { kind: "paused"; pause: PauseInfo }
  /** A pause that belongs to this working copy (a git rebase): it never travels. */
  | { kind: "local-only" }
  /** An unreadable `.spark/pause`: it holds here (fail safe), and cannot be sent anywhere. */
  | { kind: "unreadable" };

/** What the relay does next about the pause. */
export type PauseAction =
  | { kind: "none"; agreed?: string }
  /** Write (or, with no pause, remove) this machine's `.spark/pause`. */
  | { kind: "apply"; pause: PauseInfo | undefined; agreed: string }
  /** Set (or, with no pause, delete) the hub's key, compare-and-set. */
  | { kind: "push"; pause: PauseInfo | undefined; agreed: string };

/** A git hook's pause, or one that waits for a rebase, stays on its machine. */
export function isLocalOnlyPause(pause: PauseInfo): boolean {
  return LOCAL_PAUSE_BY.test(pause.by) || (pause as { waitsFor?: unknown }).waitsFor !== undefined;
}

/** The local side from what `readPause` found. */
export function localSide(state: PauseState): PauseSide {
  if (state.kind === "none") return { kind: "none" };
  if (state.kind === "unreadable") return { kind: "unreadable" };
  return isLocalOnlyPause(state.pause) ? { kind: "local-only" } : { kind: "paused", pause: state.pause };
}

/** The hub side from a KV value (undefined, or a deleted key: no pause). A bad value counts as none. */
export function remoteSide(value: Uint8Array | undefined): PauseSide {
  if (value === undefined || value.byteLength === 0) return { kind: "none" };
  const state = evaluatePause(Buffer.from(value).toString("utf8"), Date.now(), Number.POSITIVE_INFINITY);
  return state.kind === "paused" && !isLocalOnlyPause(state.pause)
    ? { kind: "paused", pause: state.pause }
    : { kind: "none" };
}

/** Two pauses are the same when who, since and why are. "" is no pause. */
export function pauseIdentity(side: PauseSide): string {
  if (side.kind !== "paused") return "";
  const { by, since, reason } = side.pause;
  return JSON.stringify([by, since, reason]);
}

/** The bytes the hub holds for a pause: the pause file's fields, and the machine that set it. */
export function encodePause(pause: PauseInfo, machine: string): Uint8Array {
  return Buffer.from(JSON.stringify({ ...pause, machine }));
}

/**
 * The merge. `agreed` is the identity both sides last shared (undefined when the relay has just
 * started and knows none). A side that differs from it has changed:
 * - only this machine changed → push it; only the hub changed → apply it here;
 * - both changed (or no agreement yet) → the hub wins, except that a pause beats a resume: a
 *   pause set here while the hub says "none" is pushed, never lost to the race.
 * A local-only pause defers everything (the machine is held anyway; the fleet's value is
 * applied once it ends). An unreadable file is only ever replaced by a pause from the hub.
 */
export function decidePause(local: PauseSide, remote: PauseSide, agreed: string | undefined): PauseAction {
  if (local.kind === "local-only") return { kind: "none" };
  const remoteId = pauseIdentity(remote);
  const remotePause = remote.kind === "paused" ? remote.pause : undefined;
  if (local.kind === "unreadable") {
    return remotePause && remoteId !== agreed
      ? { kind: "apply", pause: remotePause, agreed: remoteId }
      : { kind: "none" };
  }
  const localId = pauseIdentity(local);
  if (localId === remoteId) return { kind: "none", agreed: localId };
  const localPause = local.kind === "paused" ? local.pause : undefined;
  const push: PauseAction = { kind: "push", pause: localPause, agreed: localId };
  const apply: PauseAction = { kind: "apply", pause: remotePause, agreed: remoteId };
  const localChanged = agreed === undefined || localId !== agreed;
  const remoteChanged = agreed === undefined || remoteId !== agreed;
  if (localChanged && !remoteChanged) return push;
  if (remoteChanged && !localChanged) return apply;
  return localPause && !remotePause ? push : apply;
}
