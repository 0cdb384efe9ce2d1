import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { statusSchema } from "../cli/schemas.js";
import { CLEAN_ENV } from "./helpers/cli.js";
import { REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const run = promisify(execFile);
const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;

describe("the manifest-spark bin", () => {
  // `manifest` on npm is another package: `npx manifest …` where Spark is not installed fetches it.
  it("is installed next to manifest, so `npx manifest-spark …` runs this Spark", async () => {
    const { root } = tempProject({ "package.json": '{"name":"app","version":"1.0.0"}\n' });
    const env = { ...process.env, ...CLEAN_ENV, npm_config_audit: "false", npm_config_fund: "false" };
    // A folder install links the package (no registry involved) and its bins, as `npm install <path>` does.
    await run("npm", ["install", "--no-save", "--offline", "--ignore-scripts", REPO], { cwd: root, env });
    const shown = await run("npx", ["--offline", "manifest-spark", "--version"], { cwd: root, env });
    expect(shown.stdout.trim()).toBe(version);
    const status = await run("npx", ["--offline", "manifest-spark", "spark", "status", "--json"], { cwd: root, env });
    expect(statusSchema.parse(JSON.parse(status.stdout))).toMatchObject({ root, rootFoundBy: "package.json" });
    const same = await run(join(root, "node_modules", ".bin", "manifest"), ["--version"], { cwd: root, env });
    expect(same.stdout.trim()).toBe(version);
  }, 60_000);
});
