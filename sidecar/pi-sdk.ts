import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as PiSdkTypes from "@mariozechner/pi-coding-agent";
import { findInstalledPi, type InstalledPi, PI_PACKAGES } from "./pi-package.js";

/**
 * Pi's SDK, loaded when the sidecar starts (never when Spark is merely imported). Typed from
 * 0.73; Pi 1.x has the same shape where the host uses it.
 */
export type PiSdk = typeof PiSdkTypes;

/** The loaded SDK and which Pi it came from. */
export interface LoadedPi {
  sdk: PiSdk;
  installed: InstalledPi;
}

/** Thrown when no Pi is installed where the sidecar can load it. */
export class PiMissingError extends Error {
  override readonly name = "PiMissingError";
}

/**
 * Loads the Pi `findInstalledPi` picks for the project at `root` (the project's own, 1.x first,
 * else the one beside Spark), else the one `manifest sidecar` found elsewhere (`foundEntry`: the
 * user's global Pi, for an app that installed Spark alone).
 */
export async function loadPiSdk(root: string, foundEntry?: string): Promise<LoadedPi> {
  const installed = findInstalledPi(root) ?? (foundEntry ? installedAt(foundEntry) : undefined);
  if (!installed) {
    throw new PiMissingError(
      `no Pi SDK is installed in ${root} or beside Spark (looked for ${PI_PACKAGES.join(" and ")}). Install one: npm install -D ${PI_PACKAGES[1]}`,
    );
  }
  const sdk = (await import(pathToFileURL(installed.entry).href)) as PiSdk;
  return { sdk, installed };
}

/** The Pi package a module file belongs to: the nearest package.json above it that is one of Pi's. */
function installedAt(entry: string): InstalledPi | undefined {
  const path = entry.startsWith("file:") ? fileURLToPath(entry) : entry;
  for (let dir = dirname(path); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    try {
      const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown; version?: unknown };
      if (typeof name === "string" && (PI_PACKAGES as readonly string[]).includes(name))
        return { name, version: String(version ?? "unknown"), entry: path };
    } catch {
      // Not readable as JSON: keep looking above.
    }
  }
  return undefined;
}
