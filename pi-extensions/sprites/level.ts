import { findProjectRoot, loadConfig } from "../../bus/config-load.js";
import { profileFor } from "../../bus/config-schema.js";

/**
 * The tools level of the project Pi runs in (its config's profile for the environment): `full`
 * without a config. A config that does not load counts as read-only: a broken file must not
 * widen what an agent may do.
 */
export function toolsLevel(cwd: string): string {
  try {
    return profileFor(loadConfig(findProjectRoot(cwd)).config).tools;
  } catch {
    return "read-only";
  }
}
