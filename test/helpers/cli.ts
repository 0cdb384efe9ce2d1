import { join } from "node:path";
import { type Finished, runNode } from "./processes.js";
import { DIST } from "./repo.js";

/** The built `manifest` command. */
export const CLI = join(DIST, "cli.js");

/** The environment `manifest` gets in the tests: no Spark settings leaking in, no colour. */
export const CLEAN_ENV = { SPARK_ROOT: "", SPARK_ENV: "", SPARK_ENABLED: "", NODE_ENV: "", NO_COLOR: "1" };

/** Result of one `manifest …` run. */
export interface CliResult extends Finished {
  /** stdout parsed as one JSON document. */
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs the built CLI as a user would, in `cwd`, with a clean Spark environment (no
 * SPARK_* variables leaking in from the test runner) plus `env`.
 */
export async function manifest(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  input?: string,
): Promise<CliResult> {
  const result = await runNode([CLI, ...args], {
    cwd,
    env: { ...CLEAN_ENV, ...env },
    input,
  });
  return {
    ...result,
    json<T>() {
      try {
        return JSON.parse(result.stdout) as T;
      } catch {
        throw new Error(`stdout is not one JSON document:\n${result.stdout}\n--- stderr:\n${result.stderr}`);
      }
    },
  };
}
