import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { REPO } from "./repo.js";

/**
 * A real browser for the dashboard's tests: Debian's chromium (`.ci/run` installs it), driven
 * by playwright-core, which never downloads a browser of its own.
 */

const CANDIDATES = [process.env.SPARK_TEST_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The chromium binary, if one is installed. */
export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));
}

/** Starts headless chromium (no sandbox: CI runs as root, and the pages are our own, on loopback). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("chromium is not installed: apt-get install chromium (see .ci/run)");
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** Where the tests leave screenshots (gitignored): `test-artifacts/<suite>/`. */
export function artifactsDir(suite: string): string {
  const dir = join(REPO, "test-artifacts", suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}
