import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { detectPackageManager, type FolderFacts } from "./package-manager.js";
import type { FileKind, PackageInfo, ResolveContext } from "./resolve.js";

/** The real file system behind `resolveCommand`, seen from `cwd` with the child's `PATH`. */
export function resolveContext(cwd: string, env: NodeJS.ProcessEnv): ResolveContext {
  const packageJson = nearestPackageJson(cwd);
  return {
    cwd,
    pathEnv: env.PATH,
    kind: fileKind,
    packageJson: packageJson?.info,
    packageManager: () => detectPackageManager(foldersUpFrom(packageJson?.info.dir ?? cwd)),
  };
}

/** What `spawn` would make of `path`: follows symlinks, as exec does. */
export function fileKind(path: string): FileKind {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return "dir";
    accessSync(path, constants.X_OK);
    return stat.isFile() ? "executable" : "file";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EACCES" ? "file" : "missing";
  }
}

/** The package.json at or above `start` (as npm finds it), with its scripts. */
function nearestPackageJson(start: string): { info: PackageInfo } | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    const parsed = readJson(file);
    if (parsed !== undefined) {
      const scripts: Record<string, string> = {};
      const raw = parsed.scripts;
      if (raw && typeof raw === "object") {
        for (const [name, body] of Object.entries(raw)) if (typeof body === "string") scripts[name] = body;
      }
      return { info: { dir, scripts } };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Each folder from `start` up to the file-system root, read only when the detector asks. */
function* foldersUpFrom(start: string): Generator<FolderFacts> {
  for (let dir = start; ; dir = dirname(dir)) {
    const field = readJson(join(dir, "package.json"))?.packageManager;
    let files: string[] = [];
    try {
      files = readdirSync(dir);
    } catch {
      // An unreadable parent says nothing about the package manager.
    }
    yield { packageManagerField: typeof field === "string" ? field : undefined, files };
    if (dirname(dir) === dir) return;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    // A broken package.json still marks the package folder; it just has no scripts.
    return {};
  }
}
