import { resolve } from "node:path";
import { watch } from "chokidar";

/** Why a rescan was asked for. */
export type HintSource = "watch" | "backstop";

export interface FolderWatcher {
  /** Stops the watcher and the backstop timer. Safe to call twice. */
  close(): Promise<void>;
}

export interface WatchOptions {
  /** Rescan at least this often even when the watcher says nothing (default 2000 ms; 0: never). */
  backstopMs?: number;
  /** Keep the process alive while watching (default false: `pi -p` must still exit). */
  persistent?: boolean;
  /** Called when the watcher itself fails; the backstop keeps things going meanwhile. */
  onError?: (error: unknown) => void;
}

/**
 * Calls `onHint` (at most once per turn of the event loop) whenever something may have
 * changed in `dirs`. A hint carries no file
 * name on purpose: watchers miss events, report temp names or nothing at all on some
 * platforms and runtimes (Bun included), so the caller rescans the folder every time.
 *
 * chokidar supplies the hints. Only the folders themselves are watched (their entries are
 * ignored, and the raw folder events are used), so a storm of 10,000 files costs one
 * watch, not 10,000.
 */
export function watchFolders(
  dirs: readonly string[],
  onHint: (source: HintSource) => void,
  options: WatchOptions = {},
): FolderWatcher {
  const roots = new Set(dirs.map((d) => resolve(d)));
  const persistent = options.persistent ?? false;
  const watcher = watch([...roots], {
    persistent,
    ignoreInitial: true,
    depth: 0,
    atomic: false,
    ignorePermissionErrors: true,
    ignored: (path: string) => !roots.has(resolve(path)),
  });
  let closed = false;
  // Hints come in bursts: a storm is one per file, and chokidar reports each change twice (raw
  // and parsed). Every caller would rescan per hint, so a burst becomes one call per turn of
  // the event loop ("backstop" wins, so the caller's periodic work still runs).
  let queued: HintSource | undefined;
  const hint = (source: HintSource) => {
    if (closed) return;
    if (queued) {
      if (source === "backstop") queued = source;
      return;
    }
    queued = source;
    setImmediate(() => {
      const next = queued;
      queued = undefined;
      if (closed || !next) return;
      try {
        onHint(next);
      } catch (error) {
        options.onError?.(error);
      }
    });
  };
  watcher.on("raw", () => hint("watch"));
  watcher.on("all", () => hint("watch"));
  watcher.on("error", (error) => options.onError?.(error));
  const backstopMs = options.backstopMs ?? 2000;
  const timer = backstopMs > 0 ? setInterval(() => hint("backstop"), backstopMs) : undefined;
  if (timer && !persistent) timer.unref();
  return {
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await watcher.close();
    },
  };
}
