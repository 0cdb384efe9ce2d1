import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../_package.js";

/** The demo's own project: the example app, linked to this Spark, initialised. */
export interface DemoProject {
  dir: string;
  /** What `manifest spark init` reported it changed. */
  initChanges: string[];
}

/** The marker that says a folder is a demo's own copy, which closing the demo removes. */
const DEMO_MARKER = ".spark-demo";

/**
 * The CLI script of the Pi SDK at `sdkEntry` (the one `ensureTools` found: the project's, or
 * the user's global one): the demo must work where `pi` is not on PATH. It sits beside the entry.
 */
function piScriptOf(sdkEntry: string): string {
  return join(dirname(fileURLToPath(sdkEntry)), "cli.js");
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/** Where the demo folder's own commands are: first on the panes' PATH, found by `npx` there. */
export function demoBinDir(dir: string): string {
  return join(dir, "node_modules", ".bin");
}

/**
 * Installs `manifest`, `manifest-spark` and `pi` in the demo folder's node_modules/.bin, each
 * a two-line script that runs this node on this package's CLI (or the Pi at `piEntry`): so
 * `npx manifest-spark down` works from the folder, and the layout's panes run `pi` by that name.
 */
function installBins(dir: string, piEntry: string): void {
  const bin = demoBinDir(dir);
  mkdirSync(bin, { recursive: true });
  const script = (target: string) => `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(target)} "$@"\n`;
  const cli = join(packageRoot(), "dist", "cli.js");
  for (const name of ["manifest", "manifest-spark"]) writeFileSync(join(bin, name), script(cli), { mode: 0o755 });
  writeFileSync(join(bin, "pi"), script(piScriptOf(piEntry)), { mode: 0o755 });
}

/** Whether `dir` is a demo's own copy (made by `prepareDemoProject`), which closing the demo removes. */
export function isDemoFolder(dir: string): boolean {
  if (!basename(dir).startsWith("spark-demo-")) return false;
  try {
    return (JSON.parse(readFileSync(join(dir, DEMO_MARKER), "utf8")) as { dir?: string }).dir === dir;
  } catch {
    return false;
  }
}

/** Removes a demo's folder; anything else is left alone. Returns whether it was removed. */
export function removeDemoFolder(dir: string): boolean {
  if (!isDemoFolder(dir)) return false;
  // Retries: the layout's programs may still be writing their last files in .spark/.
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  return !existsSync(dir);
}

/** The built `manifest` of this package, as argv for node. */
export function manifestArgv(): string[] {
  return [join(packageRoot(), "dist", "cli.js")];
}

/**
 * Copies examples/hello-app into a fresh temp folder, links `manifest-spark` to this package
 * (so the app and `spark init` use the Spark that runs the demo) and runs `spark init` there.
 * The config gets short windows so the story moves at once, and the app's port.
 */
export function prepareDemoProject(port: number, piEntry: string): DemoProject {
  // The real path: that is what `down`, run from the folder, sees as its root.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "spark-demo-")));
  writeFileSync(join(dir, DEMO_MARKER), `${JSON.stringify({ dir, by: "manifest demo" })}\n`);
  cpSync(join(packageRoot(), "examples", "hello-app"), dir, {
    recursive: true,
    filter: (src) => !src.includes("node_modules"),
  });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(packageRoot(), join(dir, "node_modules", "manifest-spark"), "dir");
  installBins(dir, piEntry);
  writeFileSync(
    join(dir, "config", "spark.ts"),
    `import { defineSparkConfig } from "manifest-spark";

// The demo's Spark config: short windows so the story moves at once.
export default defineSparkConfig({
  debounce: { windowMs: 300 },
  up: { human: "pi", app: "manifest run dev" },
});
`,
  );
  // The app's port goes into its dev script, so `manifest run dev` in the tmux pane uses it.
  const pkgFile = join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { scripts: Record<string, string> };
  pkg.scripts.dev = `PORT=${port} HOST=127.0.0.1 node --watch server.js`;
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  const out = execFileSync(process.execPath, [...manifestArgv(), "spark", "init", "--json"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, SPARK_ROOT: "" },
  });
  const changes = (JSON.parse(out) as { changes?: Array<{ summary?: string; path?: string }> }).changes ?? [];
  return { dir, initChanges: changes.map((c) => c.summary ?? c.path ?? "changed") };
}
