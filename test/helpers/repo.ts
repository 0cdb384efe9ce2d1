import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The built package (npm test builds it first: see `pretest`). */
export const DIST = join(REPO, "dist");

/** Fails fast with a clear message when the build is missing. */
export function requireBuild(): void {
  if (!existsSync(join(DIST, "bus.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it for you).");
  }
}
