import { lstatSync, readdirSync, type Stats, utimesSync } from "node:fs";
import { join } from "node:path";
import { parseSparkConfig, type SparkConfig, type SparkUserConfig } from "../../bus/config-schema.js";
import type { BusPaths } from "../../bus/paths.js";

/** The config a project without `config/spark.ts` gets, with `overrides` applied. */
export function sparkConfig(overrides: SparkUserConfig = {}): SparkConfig {
  const parsed = parseSparkConfig(overrides, {});
  if (!parsed.ok) throw parsed.error;
  return parsed.config;
}

/**
 * Names of the files (and other non-folders) sitting directly in `events/`, sorted: what is
 * pending, read straight from the disk rather than through the bus under test.
 */
export function pendingFiles(paths: BusPaths): string[] {
  return readdirSync(paths.events, { withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Sets a file's access and modification times `ageMs` into the past. */
export function ageFile(path: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  utimesSync(path, then, then);
}

/** One entry found by `walk`. */
export interface TreeEntry {
  path: string;
  stat: Stats;
}

/** Every file, folder, link and special file below `dir` (not `dir` itself), never following links. */
export function walk(dir: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    out.push({ path, stat });
    if (stat.isDirectory()) out.push(...walk(path));
  }
  return out;
}
