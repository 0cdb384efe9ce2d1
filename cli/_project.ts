import { resolve } from "node:path";
import {
  type LoadedConfig,
  type LocatedProject,
  loadConfig,
  locateProject,
  SparkConfigError,
} from "../bus/config-load.js";
import { type BusPaths, busPaths } from "../bus/paths.js";
import { CliError, EXIT } from "./_errors.js";

/** What each marker is called when saying how the root was found. */
export const MARKER_NAMES: Readonly<Record<LocatedProject["by"], string>> = {
  SPARK_ROOT: "SPARK_ROOT",
  config: "config/spark.ts",
  ".spark": ".spark/",
  "package.json": "package.json",
  ".git": ".git",
};

/**
 * The project the command works on, and the marker that chose it: `SPARK_ROOT`, else found
 * upward from the cwd. Outside any project it refuses: a `.spark/` made in an empty folder
 * (or a home folder) would be a bus nobody reads.
 */
export function locatedProject(cwd = process.cwd()): LocatedProject {
  const found = locateProject(cwd);
  if (found) return found;
  throw new CliError(
    `No project here: neither ${cwd} nor any folder above it has a package.json, .git, config/spark.ts or .spark/.`,
    "E_NO_PROJECT",
    "Run this in your app's folder, or set Spark up in this one first: `manifest spark init`.",
  );
}

/** The project root (see `locatedProject`). */
export function projectRoot(): string {
  return locatedProject().root;
}

/**
 * Where `spark init` sets Spark up: the project around the cwd (its config, `.spark/` or
 * package.json), else the cwd itself, which init makes one. A `.git` above is not enough to
 * set up a parent folder: a home folder kept in git would get Spark for a scratch folder.
 */
export function initRoot(cwd = process.cwd()): string {
  const found = locateProject(cwd);
  return found && (found.by !== ".git" || found.root === resolve(cwd)) ? found.root : resolve(cwd);
}

/** Loads the project's config, turning a config problem into a CLI error (exit 3). */
export function projectConfig(root = projectRoot()): LoadedConfig {
  try {
    return loadConfig(root);
  } catch (error) {
    if (error instanceof SparkConfigError) {
      throw new CliError(error.message, "E_CONFIG", "Run `manifest doctor` for details.", EXIT.config);
    }
    throw error;
  }
}

/** Bus paths when the config may be broken: the configured ones if it loads, else the defaults. */
export function projectPathsLenient(root = projectRoot()): { paths: BusPaths; loaded: LoadedConfig | undefined } {
  try {
    const loaded = loadConfig(root);
    return { paths: loaded.paths, loaded };
  } catch {
    return { paths: busPaths(root), loaded: undefined };
  }
}
