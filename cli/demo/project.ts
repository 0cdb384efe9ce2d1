import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../_package.js";

/** The demo's own project: the example app, linked to this Spark, initialised. */
export interface DemoProject {
  dir: string;
  /** What `manifest spark init` reported it changed. */
  initChanges: string[];
}

/**
 * The `pi` of the Pi SDK at `sdkEntry` (the one `ensureTools` found: the project's, or the
 * user's global one), as a shell command line for the human pane: the demo must work on a
 * machine where `pi` is not on PATH. Its CLI sits beside the SDK's entry.
 */
export function piCommandOf(sdkEntry: string): string {
  const cli = join(dirname(fileURLToPath(sdkEntry)), "cli.js");
  return `${shellQuote(process.execPath)} ${shellQuote(cli)}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
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
export function prepareDemoProject(port: number, extra: { human?: string } = {}): DemoProject {
  const dir = mkdtempSync(join(tmpdir(), "spark-demo-"));
  cpSync(join(packageRoot(), "examples", "hello-app"), dir, {
    recursive: true,
    filter: (src) => !src.includes("node_modules"),
  });
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(packageRoot(), join(dir, "node_modules", "manifest-spark"), "dir");
  writeFileSync(
    join(dir, "config", "spark.ts"),
    `import { defineSparkConfig } from "manifest-spark";

// The demo's Spark config: short windows so the story moves at once.
export default defineSparkConfig({
  debounce: { windowMs: 300 },
  up: { app: "manifest run dev"${extra.human ? `, human: ${JSON.stringify(extra.human)}` : ""} },
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
