/**
 * Where an optional tool's package is installed: in the project (resolved the way Spark's own
 * code imports it, else from the project's node_modules, which is where a strict layout such
 * as pnpm's puts what the app installed), or in the user's global npm folder (`npm root -g`),
 * where people keep their own Pi. The I/O half of `_tools.ts`; `packageEntry` is pure.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** Finds a package: the URL of its main entry, or undefined when it is not there. */
export interface PackageLookup {
  /** In the project: as Spark's own `import` resolves it, else in the project's node_modules. */
  project(name: string): string | undefined;
  /** In the global npm folder (`npm root -g`). */
  global(name: string): string | undefined;
}

const fromSpark = (name: string): string | undefined => {
  try {
    return import.meta.resolve(name);
  } catch {
    return undefined;
  }
};

/** The entry URL of `name` installed directly in one of `folders` (node_modules folders). */
function inFolders(name: string, folders: readonly string[]): string | undefined {
  for (const folder of folders) {
    const dir = join(folder, name);
    try {
      const entry = packageEntry(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
      const file = entry === undefined ? undefined : join(dir, entry);
      if (file && existsSync(file)) return pathToFileURL(file).href;
    } catch {
      // Not installed there (or unreadable): look further.
    }
  }
  return undefined;
}

/** `node_modules` of `dir` and of every folder above it. */
function nodeModulesUpFrom(dir: string): string[] {
  const folders = [join(dir, "node_modules")];
  for (let d = dir; dirname(d) !== d; d = dirname(d)) folders.push(join(dirname(d), "node_modules"));
  return folders;
}

let globalRoot: string | null | undefined;

/**
 * The global npm folder, asked of npm once per process (it honours the user's prefix and
 * NPM_CONFIG_PREFIX); null when npm cannot say.
 */
function npmGlobalRoot(): string | null {
  if (globalRoot !== undefined) return globalRoot;
  try {
    // On Windows npm is a .cmd script, which only runs through a shell; the argv is constant.
    const windows = process.platform === "win32";
    const out = execFileSync(windows ? "npm.cmd" : "npm", ["root", "-g"], {
      encoding: "utf8",
      timeout: 15_000,
      stdio: ["ignore", "pipe", "ignore"],
      shell: windows,
    });
    globalRoot = out.trim() || null;
  } catch {
    globalRoot = null;
  }
  return globalRoot;
}

/** The lookup the commands use. */
export const installedPackages: PackageLookup = {
  project: (name) => fromSpark(name) ?? inFolders(name, nodeModulesUpFrom(process.cwd())),
  global: (name) => {
    const root = npmGlobalRoot();
    return root ? inFolders(name, [root]) : undefined;
  },
};

type Exports = string | null | { [key: string]: Exports } | Exports[];

/**
 * The file `import "<package>"` loads, relative to the package folder, from its package.json
 * (`exports["."]` under the node/import/default conditions, else `main`, else index.js).
 */
export function packageEntry(manifest: { exports?: Exports; main?: string }): string | undefined {
  const exp = manifest.exports;
  if (exp === undefined) return manifest.main ?? "index.js";
  const root =
    typeof exp === "object" && exp !== null && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith("."))
      ? exp["."]
      : exp;
  return pick(root);
}

const IMPORT_CONDITIONS = new Set(["node", "import", "default"]);

function pick(target: Exports | undefined): string | undefined {
  if (typeof target === "string") return target;
  if (target === null || target === undefined) return undefined;
  if (Array.isArray(target)) return target.map(pick).find((t) => t !== undefined);
  // Conditions apply in the package's own key order, as Node applies them.
  for (const [condition, value] of Object.entries(target)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue;
    const found = pick(value);
    if (found !== undefined) return found;
  }
  return undefined;
}
