import { type FSWatcher, lstatSync, watch } from "node:fs";
import { basename, resolve } from "node:path";

/** Why a rescan was asked for. */
export type HintSource = "watch" | "backstop";

export interface FolderWatcher {
  /** Stops the watcher and its timers. Safe to call twice. */
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
 * How often a folder's watch is checked: one that is missing, was replaced (deleted and made
 * again: inotify keeps watching the old one) or whose watch failed is watched again.
 */
export const REARM_CHECK_MS = 1000;

/**
 * Calls `onHint` (at most once per turn of the event loop) whenever something may have
 * changed in `dirs`. A hint carries no file name on purpose: watchers miss events, report
 * temp names or nothing at all on some platforms and runtimes (Bun included), so the caller
 * rescans the folder every time.
 *
 * Each folder gets one `fs.watch` of its own (inotify on Linux), so a storm of 10,000 files
 * costs one watch and no extra listing: the caller's rescan is the only `readdir`. (chokidar,
 * used before, listed the folder again on every change in every watching process, and cost a
 * relayed event about half a millisecond per hop.) A folder that is missing, replaced or whose
 * watch failed is watched again within `REARM_CHECK_MS`, with a hint, since anything may have
 * changed meanwhile.
 */
export function watchFolders(
  dirs: readonly string[],
  onHint: (source: HintSource) => void,
  options: WatchOptions = {},
): FolderWatcher {
  const persistent = options.persistent ?? false;
  let closed = false;
  // Hints come in bursts: a storm is one per file, and Linux reports a rename into the folder
  // as two events. Every caller rescans per hint, so a burst becomes one call per turn of the
  // event loop ("backstop" wins, so the caller's periodic work still runs).
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

  const folders = [...new Set(dirs.map((d) => resolve(d)))].map((dir) => folderWatch(dir, persistent, hint, options));
  for (const folder of folders) track(folder);
  const backstopMs = options.backstopMs ?? 2000;
  const backstop = backstopMs > 0 ? setInterval(() => hint("backstop"), backstopMs) : undefined;
  if (backstop && !persistent) backstop.unref();
  return {
    async close() {
      if (closed) return;
      closed = true;
      if (backstop) clearInterval(backstop);
      for (const folder of folders) {
        untrack(folder);
        folder.close();
      }
    },
  };
}

type FolderWatch = ReturnType<typeof folderWatch>;

/**
 * Every folder watch in this process, checked together on one timer: a sidecar watches ten
 * folders or so, and each timer of its own would wake an idle process once more a second.
 * The timer keeps the process alive only while a persistent watch needs it.
 */
const tracked = new Set<FolderWatch>();
let rearmTimer: NodeJS.Timeout | undefined;

function track(folder: FolderWatch): void {
  tracked.add(folder);
  rearmTimer ??= setInterval(checkTracked, REARM_CHECK_MS);
  refTimer();
}

function untrack(folder: FolderWatch): void {
  tracked.delete(folder);
  if (tracked.size > 0) {
    refTimer();
    return;
  }
  clearInterval(rearmTimer);
  rearmTimer = undefined;
}

function refTimer(): void {
  if ([...tracked].some((f) => f.persistent)) rearmTimer?.ref();
  else rearmTimer?.unref();
}

/** One look per folder (several watches of one folder share it), then each watch decides. */
function checkTracked(): void {
  const ids = new Map<string, string | undefined>();
  for (const folder of tracked) {
    if (!ids.has(folder.dir)) ids.set(folder.dir, folderId(folder.dir));
    folder.check(ids.get(folder.dir));
  }
}

/**
 * Which folder is at `dir` now, or undefined when none is (or a symlink is there: the bus never
 * follows one). ext4 hands a folder deleted and made again the old inode number at once, so
 * the birth time is part of the identity, except where the system cannot tell it (no `statx`:
 * Node then reports the change time, which moves with every file) and it is left out.
 */
function folderId(dir: string): string | undefined {
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    const birth = stat.birthtimeMs === stat.ctimeMs ? 0 : stat.birthtimeMs;
    return `${stat.dev}:${stat.ino}:${birth}`;
  } catch {
    return undefined; // missing (or unreadable): nothing to watch until it is back
  }
}

/** One folder's watch: armed when the folder is there, checked and re-armed as it changes. */
function folderWatch(dir: string, persistent: boolean, hint: (source: HintSource) => void, options: WatchOptions) {
  let watcher: FSWatcher | undefined;
  /** Which folder the watch is on (`folderId`), to notice one deleted and made again. */
  let watchedId: string | undefined;
  const name = basename(dir);
  let closed = false;
  let reported = false;

  const disarm = () => {
    watcher?.close();
    watcher = undefined;
    watchedId = undefined;
  };

  const arm = (id: string) => {
    try {
      const w = watch(dir, { persistent }, (_event, file) => {
        hint("watch");
        // The folder itself went or moved (or an entry has its name): watch whatever is there
        // now at once, whatever its identity says (a file system may reuse it).
        if (file === name) setImmediate(() => check(folderId(dir), { force: true }));
      });
      w.on("error", (error) => {
        // The watch is dead (the folder went, a limit was hit): the next check arms a new one.
        if (watcher === w) disarm();
        report(error);
      });
      watcher = w;
      watchedId = id;
      reported = false;
    } catch (error) {
      report(error);
    }
  };

  /** Reports a failure once until a watch is armed again: a check every second must not flood. */
  const report = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || reported) return;
    reported = true;
    options.onError?.(error);
  };

  const check = (id: string | undefined, { first = false, force = false } = {}) => {
    if (closed) return;
    if (id === watchedId && watcher && !force) return;
    const hadWatch = watcher !== undefined;
    disarm();
    if (id !== undefined) arm(id);
    // Something appeared, vanished or was replaced without a word from the old watch. (Not on
    // the first look: there is no "before" to have changed from.)
    if (!first && (hadWatch || watcher)) hint("watch");
  };

  check(folderId(dir), { first: true });
  return {
    dir,
    persistent,
    check: (id: string | undefined) => check(id),
    close: () => {
      closed = true;
      disarm();
    },
  };
}
