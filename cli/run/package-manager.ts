/** The package managers `manifest run <script>` knows how to run a script with. */
export const PACKAGE_MANAGERS = ["npm", "pnpm", "yarn", "bun"] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Lockfiles, in the order they are believed when a folder holds more than one. */
const LOCKFILES: ReadonlyArray<readonly [string, PackageManager]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

/** What one folder says about its package manager. */
export interface FolderFacts {
  /** The `packageManager` field of its package.json (`"pnpm@9.1.0"`), if any. */
  packageManagerField?: string | undefined;
  /** The names of the files in it (only lockfile names matter). */
  files: ReadonlySet<string> | readonly string[];
}

/** A package manager and why it was picked. */
export interface Detected {
  manager: PackageManager;
  /** `packageManager field`, `pnpm-lock.yaml`, or `default`. */
  reason: string;
}

/**
 * The project's package manager, from its folders nearest first (the package's own folder,
 * then its parents): the first `packageManager` field or lockfile found decides; npm when
 * there is none. Folders are only read as far as needed when `folders` is lazy.
 */
export function detectPackageManager(folders: Iterable<FolderFacts>): Detected {
  for (const folder of folders) {
    const fromField = parseField(folder.packageManagerField);
    if (fromField) return { manager: fromField, reason: "packageManager field" };
    const files = folder.files instanceof Set ? folder.files : new Set(folder.files as readonly string[]);
    for (const [file, manager] of LOCKFILES) if (files.has(file)) return { manager, reason: file };
  }
  return { manager: "npm", reason: "default" };
}

function parseField(field: string | undefined): PackageManager | undefined {
  if (!field) return undefined;
  const name = field.trim().split("@")[0]?.toLowerCase();
  return PACKAGE_MANAGERS.find((m) => m === name);
}

/**
 * The arguments that make `manager` run `script` with `args`. npm needs `--` before the
 * script's arguments (or it takes their flags as its own); the others pass everything after
 * the script name on.
 */
export function scriptArgs(manager: PackageManager, script: string, args: readonly string[]): string[] {
  if (manager === "npm") return args.length > 0 ? ["run", script, "--", ...args] : ["run", script];
  return ["run", script, ...args];
}
