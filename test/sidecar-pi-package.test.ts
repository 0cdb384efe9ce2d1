import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { piModels } from "../sidecar/pi-models.js";
import { findInstalledPi, findPackage } from "../sidecar/pi-package.js";
import { tempProject } from "./helpers/temp-project.js";

/** Writes node_modules/<name> under `dir` with a package.json and its entry file. */
function install(
  dir: string,
  name: string,
  version: string,
  exports: unknown = { ".": { import: "./dist/index.js" } },
) {
  const pkg = join(dir, "node_modules", name);
  mkdirSync(join(pkg, "dist"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, version, exports }));
  writeFileSync(join(pkg, "dist", "index.js"), "export {};\n");
  return pkg;
}

describe("findInstalledPi (which Pi the sidecar loads)", () => {
  it("takes the project's own Pi over the one beside Spark, and 1.x over 0.73 in one place", () => {
    const { root: project } = tempProject();
    const { root: spark } = tempProject();
    install(spark, "@earendil-works/pi-coding-agent", "1.6.0");
    install(project, "@mariozechner/pi-coding-agent", "0.73.1");
    expect(findInstalledPi(project, join(spark, "dist"))).toMatchObject({
      name: "@mariozechner/pi-coding-agent",
      version: "0.73.1",
    });
    install(project, "@earendil-works/pi-coding-agent", "1.6.0");
    expect(findInstalledPi(project, spark)?.name).toBe("@earendil-works/pi-coding-agent");
  });

  it("falls back to the Pi beside Spark, found from a folder above, and to none at all", () => {
    const { root: project } = tempProject();
    const { root: spark } = tempProject();
    expect(findInstalledPi(project, spark)).toBeUndefined();
    const pkg = install(spark, "@mariozechner/pi-coding-agent", "0.73.1");
    expect(findInstalledPi(project, join(spark, "node_modules", "manifest-spark", "dist"))).toEqual({
      name: "@mariozechner/pi-coding-agent",
      version: "0.73.1",
      entry: join(pkg, "dist", "index.js"),
    });
  });

  it("reads the import entry of exports, a plain string export, or main; skips a package whose entry is missing", () => {
    const { root } = tempProject();
    install(root, "a", "1.0.0", "./dist/index.js");
    expect(findPackage("a", root)?.entry).toBe(join(root, "node_modules", "a", "dist", "index.js"));
    install(root, "b", "1.0.0", { ".": { types: "./x.d.ts", import: { default: "./dist/index.js" } } });
    expect(findPackage("b", root)?.entry).toBe(join(root, "node_modules", "b", "dist", "index.js"));
    install(root, "c", "1.0.0", { ".": { import: "./dist/missing.js" } });
    expect(findPackage("c", root)).toBeUndefined();
  });
});

describe("piModels (model lookup on Pi 0.73 and 1.x)", () => {
  const model = { provider: "mock", id: "m" };

  it("uses 0.73's modelRegistry", () => {
    const models = piModels({ modelRegistry: { find: () => model, hasConfiguredAuth: () => true } });
    expect(models.find("mock", "m")).toBe(model);
    expect(models.auth?.hasConfiguredAuth(model as never)).toBe(true);
  });

  it("uses 1.x's modelRuntime, asking about the model's provider", () => {
    const asked: string[] = [];
    const models = piModels({
      modelRuntime: {
        getModel: (p: string, id: string) => (p === "mock" && id === "m" ? model : undefined),
        hasConfiguredAuth: (provider: string) => {
          asked.push(provider);
          return provider === "mock";
        },
      },
    });
    expect(models.find("mock", "m")).toBe(model);
    expect(models.find("other", "m")).toBeUndefined();
    expect(models.auth?.hasConfiguredAuth(model as never)).toBe(true);
    expect(asked).toEqual(["mock"]);
  });

  it("finds nothing, and has no auth check, on an object with neither", () => {
    expect(piModels({}).find("mock", "m")).toBeUndefined();
    expect(piModels({}).auth).toBeUndefined();
  });
});
