import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DIST, REPO, requireBuild } from "./helpers/repo.js";

beforeAll(requireBuild);

const INTEGRATIONS = ["express", "fastify", "hono", "koa", "next"];
const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
};

/** Every module a built file loads: static imports, re-exports and dynamic imports. */
function loads(file: string): string[] {
  const code = readFileSync(file, "utf8");
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g))
    found.add(m[1] as string);
  for (const m of code.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) found.add(m[1] as string);
  for (const m of code.matchAll(/\bimport\(\s*(?:\/\*[^*]*\*\/\s*)*["']([^"']+)["']/g)) found.add(m[1] as string);
  for (const m of code.matchAll(/\brequire\(\s*["']([^"']+)["']/g)) found.add(m[1] as string);
  return [...found].sort();
}

describe("the integration entry points", () => {
  it.each(INTEGRATIONS)("manifest-spark/%s is exported, built and typed", (name) => {
    const entry = pkg.exports[`./${name}`];
    expect(entry).toEqual({ types: `./dist/types/emitter/integrations/${name}.d.ts`, default: `./dist/${name}.js` });
    if (typeof entry !== "object") return;
    expect(existsSync(join(REPO, entry.default))).toBe(true);
    expect(existsSync(join(REPO, entry.types))).toBe(true);
  });

  it.each(INTEGRATIONS)("dist/%s.js loads nothing but Node's own modules (no framework, nothing of ours)", (name) => {
    const loaded = loads(join(DIST, `${name}.js`));
    const outside = loaded.filter((s) => !s.startsWith("node:") && !(s === "./emitter-core.js" && name !== "next"));
    // Next's hook loads the emitter through the package, by Node, on the first error.
    expect(outside).toEqual(name === "next" ? ["manifest-spark"] : []);
  });

  it("dist/next.js loads no Node module at all, so Next's edge build of instrumentation stays clean", () => {
    expect(loads(join(DIST, "next.js"))).toEqual(["manifest-spark"]);
  });
});
