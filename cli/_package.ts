import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The root of the running Spark package (where its package.json is): found upward from this
 * file, so it works from `dist/` (installed or built in a clone) and from the sources.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "skills"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the manifest-spark package root");
    dir = up;
  }
}

/** The built Spark Pi extension that `.pi/settings.json` should list. */
export function extensionEntry(): string {
  return join(packageRoot(), "dist", "pi-extension.js");
}

/** Spark's Pi skills folder. */
export function skillsDir(): string {
  return join(packageRoot(), "skills");
}
