import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type BusPaths, busFolders } from "../bus/paths.js";
import { DIR_MODE, ensureBusDirs, ensurePrivateDir } from "../bus/secure-fs.js";

/** How the bus folders are on disk: which are missing, which are looser than 0700. */
export interface BusDirState {
  /** Absolute paths of missing folders. */
  missing: string[];
  loose: { path: string; mode: number }[];
  gitignore: boolean;
}

/** Looks at every bus folder (and logs/ when it exists). */
export function busDirState(paths: BusPaths): BusDirState {
  const state: BusDirState = { missing: [], loose: [], gitignore: existsSync(join(paths.spark, ".gitignore")) };
  for (const dir of [...busFolders(paths), paths.logs]) {
    let mode: number;
    try {
      mode = statSync(dir).mode & 0o777;
    } catch {
      if (dir !== paths.logs) state.missing.push(dir);
      continue;
    }
    if (mode !== DIR_MODE) state.loose.push({ path: dir, mode });
  }
  return state;
}

/** Creates what is missing and sets every bus folder (logs/ included) to 0700. */
export function repairBusDirs(paths: BusPaths): void {
  ensureBusDirs(paths, true);
  for (const { path } of busDirState(paths).loose) ensurePrivateDir(path);
}
