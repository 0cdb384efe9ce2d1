import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuiltEvent } from "./build-event.js";
import type { BusPaths } from "./paths.js";
import { ensureBusDirs, FILE_MODE, isErrno } from "./secure-fs.js";

/**
 * Publishes a built event: write to `events/.tmp/<id>.json` (0600, never overwriting), then
 * rename into `events/`. A reader never sees a partial file; a crash leaves at most a file in
 * `.tmp/`, which the sweep removes. Re-creates the folders once if someone deleted them.
 * Returns the path of the published file.
 */
export function writeEvent(paths: BusPaths, built: BuiltEvent): string {
  ensureBusDirs(paths);
  try {
    return publish(paths, built);
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
    ensureBusDirs(paths, true);
    return publish(paths, built);
  }
}

function publish(paths: BusPaths, built: BuiltEvent): string {
  const name = `${built.event.id}.json`;
  const staged = join(paths.tmp, name);
  const target = join(paths.events, name);
  writeFileSync(staged, built.json, { mode: FILE_MODE, flag: "wx" });
  try {
    renameSync(staged, target);
  } catch (error) {
    rmSync(staged, { force: true });
    throw error;
  }
  return target;
}
