import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { commitAll, initRepo } from "./git.js";
import { REPO } from "./repo.js";

type Exports = Record<string, string | { default?: string }>;

/**
 * manifest-spark by reference, for `up` to install in a fake Sprite: the repository's name
 * and version (so the real bridge's versions match what `up` expects), and a `manifest`
 * command and an export for each of the package's entry points that load this checkout's
 * built files. Nothing is stood in for: every command, the bridge included, is the real
 * one, without the registry and the native builds a real install would need. Returns its
 * folder (the caller removes it).
 */
export function realPackageByReference(): string {
  const real = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
    name: string;
    version: string;
    exports: Exports;
  };
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "spark-real-pkg-")));
  const url = (file: string) => JSON.stringify(pathToFileURL(join(REPO, file)).href);
  // The CLI runs in this process (its main awaits at the top level); argv[1] stays this
  // file, so what it starts of itself comes back through here.
  writeFileSync(join(dir, "bin.mjs"), `#!/usr/bin/env node\nawait import(${url("dist/cli.js")});\n`, { mode: 0o755 });
  const exports: Record<string, string> = { "./package.json": "./package.json" };
  for (const [subpath, target] of Object.entries(real.exports)) {
    const file = typeof target === "string" ? target : target.default;
    if (!file?.endsWith(".js")) continue;
    const name = `entry-${subpath === "." ? "main" : subpath.slice(2)}.mjs`;
    writeFileSync(join(dir, name), `export * from ${url(file)};\n`);
    exports[subpath] = `./${name}`;
  }
  const manifest = {
    name: real.name,
    version: real.version,
    description: "manifest-spark by reference: this checkout's build, for the sprite up end-to-end test",
    private: true,
    type: "module",
    bin: { manifest: "bin.mjs" },
    exports,
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

/**
 * A copy of examples/hello-app in a git repository, its bug included (`POST /users` with a
 * one-word name answers 500). Its dependency on manifest-spark (`file:../..`) is left out: in
 * the Sprite, `up` installs the package.
 */
export async function helloAppRepo(): Promise<string> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "spark-up-e2e-")));
  cpSync(join(REPO, "examples/hello-app"), root, { recursive: true, filter: (src) => !src.includes("node_modules") });
  const manifestPath = join(root, "package.json");
  const app = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
  delete app.dependencies;
  writeFileSync(manifestPath, `${JSON.stringify(app, null, 2)}\n`);
  writeFileSync(join(root, ".gitignore"), ".spark/\nnode_modules/\n");
  await initRepo(root);
  await commitAll(root, "hello-app");
  return root;
}

/** Removes a folder made here. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
