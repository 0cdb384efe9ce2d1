/** What an installed node_modules weighs. */
export interface Footprint {
  /** Disk usage, as `du` counts it (allocated blocks). */
  bytes: number;
  /** Every installed package, as name@version. */
  packages: string[];
  /** Packages with a preinstall, install or postinstall script. */
  installScripts: string[];
  /** Native build inputs or outputs: binding.gyp and .node files. */
  native: string[];
}

/** The environment without npm's own `npm_*` variables, plus `extra`. */
export function npmFreeEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
/** Packs the repository (already built) into `into`; returns the tarball's path. */
export function packRepo(repo: string, into: string): string;
/**
 * A fresh app in `dir` following the README (manifest-spark from `tarball`, the sidecar's tools
 * as dev dependencies), installed with `npm install --omit=dev`.
 */
export function installApp(repo: string, tarball: string, dir: string): { dir: string; ms: number };
/** Disk usage and packages of a node_modules folder. */
export function footprint(nodeModules: string): Footprint;
/** Disk usage of everything under `dir`, as `du` counts it. */
export function diskUsage(dir: string): number;
