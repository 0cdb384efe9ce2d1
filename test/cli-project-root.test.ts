import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { locateProject } from "../bus/config-load.js";
import { errorSchema, statusSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

describe("locateProject", () => {
  it("prefers a Spark config or .spark/ anywhere up, then the nearest package.json or .git", () => {
    const { root } = tempProject({
      "package.json": "{}",
      "packages/web/package.json": "{}",
      "packages/web/src/x.js": "",
      "tools/.git/HEAD": "",
      "tools/bin/x": "",
    });
    expect(locateProject(join(root, "packages/web/src"), {})).toEqual({
      root: join(root, "packages/web"),
      by: "package.json",
    });
    expect(locateProject(join(root, "tools/bin"), {})).toEqual({ root: join(root, "tools"), by: ".git" });
    mkdirSync(join(root, ".spark"));
    expect(locateProject(join(root, "packages/web/src"), {})).toEqual({ root, by: ".spark" });
    expect(locateProject(join(root, "x"), { SPARK_ROOT: "/elsewhere" })).toEqual({
      root: "/elsewhere",
      by: "SPARK_ROOT",
    });
  });

  it("finds nothing in a folder with no marker up to /", () => {
    const { root } = tempProject();
    expect(locateProject(root, {})).toBeUndefined();
  });
});

describe("outside a project", () => {
  it("pause, run, sidecar and up refuse with the next step, and create no .spark/", async () => {
    const { root } = tempProject();
    const socket = `spark-root-${randomBytes(4).toString("hex")}`;
    for (const args of [
      ["spark", "pause", "--json"],
      ["run", "--json", "true"],
      ["sidecar", "--headless"],
      ["up", "--json"],
    ]) {
      const result = await manifest(args, root, { SPARK_TMUX_SOCKET: socket, TMUX: "" });
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toContain("No project here");
      expect(result.stderr, args.join(" ")).toContain("manifest spark init");
      expect(existsSync(join(root, ".spark")), args.join(" ")).toBe(false);
    }
    const json = await manifest(["spark", "status", "--json"], root);
    expect(errorSchema.parse(json.json()).error.code).toBe("E_NO_PROJECT");
  });

  it("spark init sets up the folder it runs in, not a parent that only has .git", async () => {
    const { root } = tempProject({ ".git/HEAD": "ref: refs/heads/main\n", "scratch/notes.txt": "" });
    const scratch = join(root, "scratch");
    expect((await manifest(["spark", "init", "--no-entry"], scratch)).code).toBe(0);
    expect(existsSync(join(scratch, "config", "spark.ts"))).toBe(true);
    expect(existsSync(join(root, "config"))).toBe(false);
  });

  it("spark init makes the folder a project, after which the other commands work there", async () => {
    const { root } = tempProject();
    expect((await manifest(["spark", "init", "--no-entry"], root)).code).toBe(0);
    const status = statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json());
    expect(status).toMatchObject({ root, rootFoundBy: "config/spark.ts" });
  });
});

describe("spark status says which root it used", () => {
  it("from a sub-folder, the package.json above it", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n', "src/deep/file.js": "" });
    const text = await manifest(["spark", "status"], join(root, "src", "deep"));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Project ${root} (found by package.json)`);
  });
});
