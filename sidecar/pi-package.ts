import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The Pi lines Spark runs on, newest first: Pi 1.x (`@earendil-works`) and 0.73
 * (`@mariozechner`). Their SDKs differ only in details the host adapts to (see `pi-models.ts`).
 */
export const PI_PACKAGES = ["@earendil-works/pi-coding-agent", "@mariozechner/pi-coding-agent"] as const;

/** An installed Pi package: its name, version and the file its main export points to. */
export interface InstalledPi {
  name: string;
  version: string;
  /** Absolute path of the module `import(name)` would load. */
  entry: string;
}

/**
 * The Pi the sidecar should load: the one installed in the project (what `npx pi` runs there),
 * else the one installed beside Spark. In each place Pi 1.x wins over 0.73.
 */
export function findInstalledPi(
  root: string,
  sparkDir = dirname(fileURLToPath(import.meta.url)),
): InstalledPi | undefined {
  for (const from of [root, sparkDir]) {
    for (const name of PI_PACKAGES) {
      const found = findPackage(name, from);
      if (found) return found;
    }
  }
  return undefined;
}

/** `name` as Node would find it from `from`: `node_modules/<name>` in `from` or a folder above. */
export function findPackage(name: string, from: string): InstalledPi | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", name);
    const manifest = readManifest(join(pkgDir, "package.json"));
    if (manifest) {
      const entry = join(pkgDir, mainExport(manifest));
      if (existsSync(entry)) return { name, version: String(manifest.version ?? "unknown"), entry };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

interface Manifest {
  version?: unknown;
  main?: unknown;
  exports?: unknown;
}

function readManifest(path: string): Manifest | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The file an ESM `import` of the package's root loads (its `exports["."]`, else `main`). */
function mainExport(manifest: Manifest): string {
  const exports = manifest.exports;
  const root =
    exports && typeof exports === "object" && "." in exports ? (exports as Record<string, unknown>)["."] : exports;
  return pickImport(root) ?? (typeof manifest.main === "string" ? manifest.main : "index.js");
}

function pickImport(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (!target || typeof target !== "object") return undefined;
  const conditions = target as Record<string, unknown>;
  for (const condition of ["import", "node", "default"]) {
    const picked = pickImport(conditions[condition]);
    if (picked) return picked;
  }
  return undefined;
}
