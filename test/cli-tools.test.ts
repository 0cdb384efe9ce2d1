import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../cli/_errors.js";
import { type PackageLookup, packageEntry } from "../cli/_tool-lookup.js";
import { ensureTools, installCommand, locateTool, missingTools, TOOLS, toolProblem } from "../cli/_tools.js";
import { REPO } from "./helpers/repo.js";

/** A lookup that finds `project` packages in the project and `global` ones globally. */
const installed = (project: string[], global: string[] = []): PackageLookup => ({
  project: (name) => (project.includes(name) ? `file:///p/node_modules/${name}/index.js` : undefined),
  global: (name) => (global.includes(name) ? `file:///g/lib/node_modules/${name}/index.js` : undefined),
});

function thrownBy(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected a CliError");
}

describe("optional tools", () => {
  it("finds the Pi SDK and blessed installed here (the clone's dev dependencies bring them)", () => {
    expect(missingTools(["pi", "dashboard"])).toEqual([]);
    expect(locateTool("pi")?.source).toBe("project");
  });

  it("accepts either Pi line: 0.73 under @mariozechner, or 1.x under @earendil-works", () => {
    expect(missingTools(["pi"], installed(["@earendil-works/pi-coding-agent"]))).toEqual([]);
    expect(missingTools(["pi"], installed(["@mariozechner/pi-coding-agent"]))).toEqual([]);
    expect(missingTools(["pi"], installed(["blessed"]))).toEqual(["pi"]);
  });

  it("uses the user's global Pi when the project has none, and the project's first when both exist", () => {
    const global = locateTool("pi", installed([], ["@mariozechner/pi-coding-agent"]));
    expect(global).toEqual({
      source: "global",
      entry: "file:///g/lib/node_modules/@mariozechner/pi-coding-agent/index.js",
    });
    const both = locateTool("pi", installed(["@mariozechner/pi-coding-agent"], ["@mariozechner/pi-coding-agent"]));
    expect(both?.source).toBe("project");
  });

  it("looks globally only for Pi: a global blessed or hono does not count", () => {
    expect(missingTools(["dashboard", "bridge"], installed([], ["blessed", "hono", "@hono/node-server"]))).toEqual([
      "dashboard",
      "bridge",
    ]);
  });

  it("needs every package of a set: the Sprites SDK without ws is missing", () => {
    expect(missingTools(["sprites"], installed(["@fly/sprites"]))).toEqual(["sprites"]);
    expect(missingTools(["sprites"], installed(["@fly/sprites", "ws"]))).toEqual([]);
  });

  it("names the missing package and the one command that adds it, with exit code 1", () => {
    const error = thrownBy(() => ensureTools("manifest sidecar", ["pi", "dashboard"], installed(["blessed"])));
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      "`manifest sidecar` needs the sidecar (a Pi session) (@mariozechner/pi-coding-agent@0.73.1), which is not installed in this project or globally.",
    );
    expect(error.next).toBe("Add it to the project: npm install -D @mariozechner/pi-coding-agent@0.73.1");
  });

  it("says the same words to doctor as to the command", () => {
    const lookup = installed([]);
    const problem = toolProblem("manifest sidecar", ["pi", "dashboard"], lookup);
    const error = thrownBy(() => ensureTools("manifest sidecar", ["pi", "dashboard"], lookup));
    expect(problem).toEqual({ message: error.message, next: error.next });
    expect(problem?.next).toBe(
      "Add them to the project: npm install -D @mariozechner/pi-coding-agent@0.73.1 blessed@0.1.81",
    );
    expect(toolProblem("manifest sidecar", ["pi"], installed(["@mariozechner/pi-coding-agent"]))).toBeUndefined();
  });

  it("returns where each tool is, for the command to import it", () => {
    const found = ensureTools("manifest sidecar", ["pi"], installed([], ["@mariozechner/pi-coding-agent"]));
    expect(found.pi.entry).toBe("file:///g/lib/node_modules/@mariozechner/pi-coding-agent/index.js");
  });

  it("installs each package once however many tools need it", () => {
    expect(installCommand(["pi", "pi", "dashboard"])).toBe(
      "npm install -D @mariozechner/pi-coding-agent@0.73.1 blessed@0.1.81",
    );
  });

  it("keeps every tool out of an app's install: pinned in devDependencies, never a dependency or a peer", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as Record<
      "dependencies" | "devDependencies" | "peerDependencies" | "optionalDependencies",
      Record<string, string> | undefined
    >;
    for (const spec of Object.values(TOOLS).flatMap((tool) => tool.install)) {
      const name = spec.slice(0, spec.lastIndexOf("@"));
      // A peer (even an optional one) makes npm keep the app's -D copy in `npm install --omit=dev`.
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"] as const) {
        expect(pkg[field]?.[name], `${name} in ${field}`).toBeUndefined();
      }
      const pinned = pkg.devDependencies?.[name];
      if (pinned !== undefined) expect(`${name}@${pinned}`).toBe(spec);
    }
    for (const spec of [...TOOLS.pi.install, ...TOOLS.dashboard.install]) {
      const name = spec.slice(0, spec.lastIndexOf("@"));
      expect(`${name}@${pkg.devDependencies?.[name]}`, "the clone brings the sidecar's tools").toBe(spec);
    }
  });
});

describe("packageEntry", () => {
  it("reads exports['.'] under the conditions Node uses for import, in the package's order", () => {
    expect(packageEntry({ exports: { ".": { types: "./d.ts", import: "./dist/index.js" } } })).toBe("./dist/index.js");
    expect(packageEntry({ exports: { ".": { require: "./a.cjs", import: "./a.mjs" } } })).toBe("./a.mjs");
    expect(packageEntry({ exports: { node: { import: "./n.mjs" }, default: "./d.js" } })).toBe("./n.mjs");
    expect(packageEntry({ exports: "./only.js" })).toBe("./only.js");
  });

  it("falls back to main, then index.js", () => {
    expect(packageEntry({ main: "./lib/blessed.js" })).toBe("./lib/blessed.js");
    expect(packageEntry({})).toBe("index.js");
    expect(packageEntry({ exports: { ".": { require: "./only.cjs" } } })).toBeUndefined();
  });
});
