#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// Builds the published JavaScript into dist/: apps import it with plain Node (no TypeScript
// loader), and one bundle per entry point keeps `manifest` start-up fast (zod and the CLI
// framework are tree-shaken into it instead of loaded file by file).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { vendorZodTypes } from "./zod-types.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dist = join(root, "dist");
const typesOnly = process.argv.includes("--types");
const noTypes = process.argv.includes("--no-types");

/**
 * What apps import: self-contained files (no shared chunks), so `dist/index.js` finds
 * `./emitter-core.js` beside itself and stays tiny; their state is shared through a global.
 */
const appEntries = {
  index: "emitter/index.ts",
  register: "emitter/register.ts",
  // One per framework, so an app loads its own only. None imports its framework at run time.
  express: "emitter/integrations/express.ts",
  fastify: "emitter/integrations/fastify.ts",
  hono: "emitter/integrations/hono.ts",
  koa: "emitter/integrations/koa.ts",
  next: "emitter/integrations/next.ts",
};
/** Everything else: source file → dist name, sharing chunks. Built once the source exists. */
const entries = {
  "emitter-core": "emitter/emitter-core.ts",
  bus: "bus/index.ts",
  cli: "cli/main.ts",
  "pi-extension": "pi-extensions/spark/index.ts",
  "pi-extension-sprites": "pi-extensions/sprites/index.ts",
  "pi-extension-starter": "pi-extensions/starter/index.ts",
  sidecar: "sidecar/main.ts",
};

if (!typesOnly) {
  // dist/ is rebuilt in place (never removed first), so a test run reading it while another
  // build runs never finds it missing; outputs of earlier builds are pruned afterwards.
  const entryPoints = Object.fromEntries(
    Object.entries(entries)
      .filter(([, src]) => existsSync(join(root, src)))
      .map(([name, src]) => [name, join(root, src)]),
  );
  const common = {
    outdir: dist,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    sourcemap: "linked",
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning",
    define: { __SPARK_VERSION__: JSON.stringify(pkg.version) },
  };
  const outputs = new Set();
  const app = await build({
    ...common,
    metafile: true,
    entryPoints: Object.fromEntries(Object.entries(appEntries).map(([n, s]) => [n, join(root, s)])),
    // The Next hook loads the emitter through the package itself, at run time (see next.ts).
    external: ["manifest-spark"],
  });
  const rest = await build({
    ...common,
    metafile: true,
    entryPoints,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // Loaded from node_modules at run time: jiti (big), and the optional tools of cli/_tools.ts,
    // which only the commands that need them import (Pi's packages are also shared with Pi).
    external: [
      "jiti",
      "@mariozechner/*",
      "@earendil-works/*",
      "typebox",
      "blessed",
      "neo-blessed",
      "@fly/sprites",
      "ws",
      "hono",
      "@hono/*",
      "http-proxy-3",
      "better-sqlite3",
      "@nats-io/*",
    ],
  });
  const web = await buildWebDashboard();
  for (const meta of [app.metafile, rest.metafile, web])
    for (const out of Object.keys(meta.outputs)) outputs.add(join(root, out));
  pruneStale(dist, outputs);
  if (existsSync(join(dist, "cli.js"))) chmodSync(join(dist, "cli.js"), 0o755);
}

if (!noTypes) {
  const tsc = spawnSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
    {
      stdio: "inherit",
    },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  vendorZodTypes(root, join(dist, "types"));
}

/**
 * The browser dashboard (sidecar/web/) into dist/web/: one minified script with Preact and
 * its signals inside (no CDN: it works offline), its stylesheet and page beside it. The
 * bridge serves these three files (sidecar/bridge/routes-ui.ts).
 */
async function buildWebDashboard() {
  const src = join(root, "sidecar/web");
  if (!existsSync(join(src, "main.tsx"))) return { outputs: {} };
  const out = join(dist, "web");
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(src, "main.tsx") },
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
  for (const file of ["index.html", "app.css"]) copyFileSync(join(src, file), join(out, file));
  return result.metafile;
}

/** Removes JavaScript files (and maps) in dist/ that this build did not write. */
function pruneStale(dir, keep) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "types") pruneStale(path, keep);
    } else if (/\.js(\.map)?$/.test(entry.name) && !keep.has(path)) {
      rmSync(path, { force: true });
    }
  }
}
