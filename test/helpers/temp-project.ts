import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import { type BusPaths, busPaths } from "../../bus/paths.js";

const made: string[] = [];

afterEach(() => {
  // Retries: a child process that was just killed may still be writing its last files.
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

/** A fresh project folder under the OS temp dir, removed after the test. */
export function tempProject(files: Record<string, string> = {}): { root: string; paths: BusPaths } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "spark-test-")));
  made.push(root);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return { root, paths: busPaths(root) };
}
