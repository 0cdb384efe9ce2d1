// An app that follows the README, installed for production: this package packed as a tarball,
// `npm install manifest-spark` plus the tools as dev dependencies (the README's two installs),
// then `npm install --omit=dev`. And what that install weighs. Plain JavaScript so the test
// and the install benchmark share it.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The sidecar's tools an app adds with `npm install -D` (pinned as in this repository). */
const APP_DEV_TOOLS = ["@mariozechner/pi-coding-agent", "blessed"];

/** npm's settings for where packages come from, kept for the npm the tests start. */
const KEEP = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca)$/;

/**
 * The environment without the `npm_*` variables npm sets for scripts (under `npm test` they
 * describe this repository: its prefix, its package.json), except where packages come from,
 * and without npm's update check (a network call).
 */
export function npmFreeEnv(extra = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("npm_") || KEEP.test(key)),
  );
  return { ...env, NPM_CONFIG_UPDATE_NOTIFIER: "false", ...extra };
}

/** @type {import("./app-install.d.mts").packRepo} */
export function packRepo(repo, into) {
  // --ignore-scripts: dist/ is already built (npm test and npm run bench build it first).
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], {
    cwd: repo,
    encoding: "utf8",
    env: npmFreeEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [packed] = JSON.parse(out);
  return join(into, packed.filename);
}

/** @type {import("./app-install.d.mts").installApp} */
export function installApp(repo, tarball, dir) {
  const repoPkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  const devDependencies = Object.fromEntries(APP_DEV_TOOLS.map((name) => [name, repoPkg.devDependencies[name]]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify(
      {
        name: "light-app",
        version: "1.0.0",
        private: true,
        type: "module",
        dependencies: { "manifest-spark": `file:${tarball}` },
        devDependencies,
      },
      null,
      2,
    )}\n`,
  );
  const started = performance.now();
  // --prefer-offline: the clone's `npm ci` has put every package in npm's cache already.
  execFileSync("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    env: npmFreeEnv(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  return { dir, ms: performance.now() - started };
}

/** @type {import("./app-install.d.mts").footprint} */
export function footprint(nodeModules) {
  const result = { bytes: 0, packages: [], installScripts: [], native: [] };
  walk(nodeModules, result);
  return result;
}

/** @type {import("./app-install.d.mts").diskUsage} */
export function diskUsage(dir) {
  const result = { bytes: 0, packages: [], installScripts: [], native: [] };
  walk(dir, result);
  return result.bytes;
}

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"];

/** Adds up disk usage the way `du` does (allocated blocks) and notes every package folder. */
function walk(dir, result) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    result.bytes += lstatSync(path).blocks * 512;
    if (entry.name.endsWith(".node") || entry.name === "binding.gyp") result.native.push(path);
    if (!entry.isDirectory()) continue;
    if (dir.endsWith("node_modules") || isScopeFolder(dir)) notePackage(path, result);
    walk(path, result);
  }
}

function isScopeFolder(dir) {
  const parts = dir.split(/[\\/]/);
  return parts.at(-1)?.startsWith("@") && parts.at(-2) === "node_modules";
}

function notePackage(dir, result) {
  const manifestFile = join(dir, "package.json");
  if (!existsSync(manifestFile)) return;
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  result.packages.push(`${manifest.name}@${manifest.version}`);
  const scripts = INSTALL_SCRIPTS.filter((s) => manifest.scripts?.[s] !== undefined);
  if (scripts.length > 0) result.installScripts.push(`${manifest.name} (${scripts.join(", ")})`);
}
