import { randomBytes } from "node:crypto";
import type { LoadedConfig } from "../bus/config-load.js";
import { localLivenessFacts } from "../bus/presence.js";
import { acquireSidecarLock, lockRefusal, sidecarLockPath } from "../bus/sidecar-lock.js";

/** Thrown when another sidecar runs for the project: says which (pid, host, since) and how to stop it. */
export class SidecarLockedError extends Error {
  override readonly name = "SidecarLockedError";
}

/** The project's sidecar lock, kept fresh until `stop`. */
export interface KeptLock {
  stop(): void;
  /** Called once if another sidecar took the lock (this one's heartbeat lapsed). */
  onLost(listener: () => void): void;
}

/**
 * Takes the project's sidecar lock (or throws `SidecarLockedError` naming the holder) and
 * refreshes its heartbeat at the presence interval until `stop`.
 */
export function holdSidecarLock(loaded: LoadedConfig): KeptLock {
  const facts = localLivenessFacts(loaded.config.presence.ttlMs);
  const acquired = acquireSidecarLock(loaded.paths, {
    id: `sidecar-${process.pid}-${randomBytes(4).toString("hex")}`,
    cwd: loaded.root,
    facts,
  });
  if (!acquired.ok) {
    throw new SidecarLockedError(
      lockRefusal(acquired, { now: facts.now, thisHost: facts.thisHost, lockFile: sidecarLockPath(loaded.paths) }),
    );
  }
  let lost = () => {};
  const beat = setInterval(() => {
    try {
      if (acquired.lock.refresh()) return;
    } catch {
      return; // A write that failed once (a full disk): the next beat tries again.
    }
    clearInterval(beat);
    lost();
  }, loaded.config.presence.heartbeatMs);
  beat.unref();
  return {
    stop() {
      clearInterval(beat);
      acquired.lock.release();
    },
    onLost(listener) {
      lost = listener;
    },
  };
}
