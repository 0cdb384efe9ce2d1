import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * A `bun` to run the Bun tests with: the one SPARK_TEST_BUN names (CI installs one, see
 * .ci/run), else one on PATH; undefined when there is none (those tests are skipped).
 */
export function findBun(): string | undefined {
  const named = process.env.SPARK_TEST_BUN;
  if (named && existsSync(named)) return named;
  return spawnSync("bun", ["--version"], { stdio: "ignore" }).status === 0 ? "bun" : undefined;
}
