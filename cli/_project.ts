import { findProjectRoot, type LoadedConfig, loadConfig, SparkConfigError } from "../bus/config-load.js";
import { type BusPaths, busPaths } from "../bus/paths.js";
import { CliError, EXIT } from "./_errors.js";

/** The project the command works on: `SPARK_ROOT`, else found upward from the cwd. */
export function projectRoot(): string {
  return findProjectRoot(process.cwd());
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
