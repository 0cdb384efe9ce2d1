import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** This build of manifest-spark, as `up` installs it in a Sprite. */
export interface PackageSource {
  root: string;
  version: string;
  /** sha256 of every file the package ships (its `files`, and package.json): a rebuild changes it. */
  hash: string;
}

/** The package this code runs from: the folder above it whose package.json names manifest-spark. */
export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "manifest-spark") return dir;
      } catch {
        // Not a package.json we can read: keep climbing.
      }
    }
    if (dirname(dir) === dir) throw new Error(`manifest-spark's package.json was not found above ${from}.`);
  }
}

/** The package's version and content hash (reads what it ships: a few MB, tens of ms). */
export function readPackageSource(root: string = findPackageRoot()): PackageSource {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    version: string;
    files?: string[];
  };
  const hash = createHash("sha256");
  const add = (relative: string) => {
    const full = join(root, relative);
    if (!existsSync(full)) return;
    const stat = lstatSync(full);
    if (stat.isDirectory()) {
      for (const name of readdirSync(full).sort()) add(`${relative}/${name}`);
    } else if (stat.isFile()) {
      hash.update(`${relative}\0${stat.size}\0`);
      hash.update(readFileSync(full));
    }
  };
  add("package.json");
  for (const entry of [...(manifest.files ?? [])].sort()) add(entry.replace(/\/+$/, ""));
  return { root, version: manifest.version, hash: hash.digest("hex") };
}

/**
 * `npm pack` of the package into a new temporary folder (the caller removes it): the built
 * files as they are (no scripts run). Resolves with the tarball's path.
 */
export function packPackage(root: string): Promise<{ dir: string; tarball: string }> {
  const dir = mkdtempSync(join(tmpdir(), "spark-pack-"));
  return new Promise((resolve, reject) => {
    execFile(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", dir],
      { cwd: root, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`npm pack failed in ${root}: ${String(stderr).trim().split("\n").at(-1)}`));
        try {
          const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
          resolve({ dir, tarball: join(dir, (packed as { filename: string }).filename) });
        } catch {
          reject(new Error(`npm pack printed no JSON: ${String(stdout).slice(0, 200)}`));
        }
      },
    );
  });
}

/** Where packages come from, kept; npm's script variables (which describe another package) dropped. */
const KEEP = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca)$/i;

function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_") || KEEP.test(key)),
  );
  return { ...env, NPM_CONFIG_UPDATE_NOTIFIER: "false" };
}
