import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../bus/config-load.js";
import { parseSparkConfig, type SparkConfig } from "../bus/config-schema.js";
import { errorSchema, statusSchema } from "../cli/schemas.js";
import { initResultSchema } from "../cli/schemas-setup.js";
import { manifest } from "./helpers/cli.js";
import { finished } from "./helpers/processes.js";
import { DIST, REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const EXTENSION = join(DIST, "pi-extension.js");
const REGISTER = 'import "manifest-spark/register";';

/** Every path below `root` with its mode and (for files) its bytes: equal trees give equal snapshots. */
function snapshot(root: string, dir = root, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    out[path.slice(root.length + 1)] = `${stat.mode.toString(8)} ${stat.isFile() ? readFileSync(path, "base64") : ""}`;
    if (stat.isDirectory()) snapshot(root, path, out);
  }
  return out;
}

async function init(root: string, ...args: string[]) {
  const result = await manifest(["spark", "init", "--json", ...args], root);
  expect(result.code, result.stderr).toBe(0);
  return initResultSchema.parse(result.json());
}

function settings(root: string): { extensions: string[]; skills: string[]; [key: string]: unknown } {
  return JSON.parse(readFileSync(join(root, ".pi/settings.json"), "utf8"));
}

describe("manifest spark init", () => {
  it("sets up an empty project: a config that loads with the defaults, Pi settings, .spark/", async () => {
    const { root } = tempProject();
    const doc = await init(root);
    expect(doc.changes.map((c) => [c.path, c.action])).toEqual([
      ["config/spark.ts", "create"],
      [".pi/settings.json", "create"],
      [".spark/", "mkdir"],
    ]);
    expect(doc.notes.map((n) => n.message).join("\n")).toContain("no entry file found");

    // The template states the real defaults, except that production asks before write/edit/bash.
    const env = {};
    const defaults = (parseSparkConfig({}, env) as { config: SparkConfig }).config;
    expect(loadConfig(root, env).config).toEqual({
      ...defaults,
      environments: { ...defaults.environments, production: { tools: "approve", behavior: "fix" } },
    });
    const template = readFileSync(join(root, "config/spark.ts"), "utf8");
    expect(template).toContain('import { defineSparkConfig } from "manifest-spark";');
    expect(template).toContain('// hooks: {\n  //   "pre-push": ["npm test"],');
    expect(template).toMatch(/\/\/ In production .*\n {4}production: \{ tools: "approve", behavior: "fix" \}/);
    expect(statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json()).enabled).toBe(true);

    // Run from this repository (no node_modules/manifest-spark): absolute paths to the built package.
    const s = settings(root);
    expect(resolve(root, ".pi", s.extensions[0] ?? "")).toBe(EXTENSION);
    expect(existsSync(EXTENSION)).toBe(true);
    expect(resolve(root, ".pi", s.skills[0] ?? "")).toBe(join(REPO, "skills"));

    expect(statSync(join(root, ".spark")).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, ".spark/events")).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(root, ".spark/.gitignore"), "utf8")).toContain("*\n!.gitignore");
  });

  it("merges into existing Pi settings and adds the register import as the entry file's first import", async () => {
    const existing = {
      theme: "dark",
      extensions: ["../tools/mine.ts"],
      skills: [],
      packages: ["npm:some-pi-package"],
    };
    const server =
      '#!/usr/bin/env node\n// The app.\n"use strict";\nimport http from "node:http";\nimport { routes } from "./routes.js";\n\nhttp.createServer(routes).listen(3000);\n';
    const { root } = tempProject({
      "package.json": JSON.stringify({ name: "app", type: "module", scripts: { dev: "node --watch src/server.js" } }),
      ".pi/settings.json": `${JSON.stringify(existing, null, 4)}\n`,
      "src/server.js": server,
      "tools/mine.ts": "export default () => {};\n",
    });
    const doc = await init(root);
    expect(doc.changes.find((c) => c.path === "src/server.js")?.summary).toContain(
      'line 4 (found from the "dev" script)',
    );

    const after = settings(root);
    expect(after).toMatchObject({ theme: "dark", packages: ["npm:some-pi-package"] });
    expect(after.extensions).toEqual(["../tools/mine.ts", EXTENSION]);
    expect(after.skills).toEqual([join(REPO, "skills")]);

    const content = readFileSync(join(root, "src/server.js"), "utf8");
    expect(content.split("\n").slice(0, 5)).toEqual([
      "#!/usr/bin/env node",
      "// The app.",
      '"use strict";',
      REGISTER,
      'import http from "node:http";',
    ]);
    expect(content.replace(`${REGISTER}\n`, "")).toBe(server);
  });

  it("uses require() in a CommonJS entry, after its directive", async () => {
    const { root } = tempProject({
      "package.json": JSON.stringify({ name: "app", main: "index.js" }),
      "index.js": '"use strict";\nconst http = require("node:http");\n',
    });
    await init(root);
    expect(readFileSync(join(root, "index.js"), "utf8")).toBe(
      '"use strict";\nrequire("manifest-spark/register");\nconst http = require("node:http");\n',
    );
  });

  it("changes nothing the second time: files byte for byte the same", async () => {
    const { root } = tempProject({
      "package.json": JSON.stringify({ name: "app", type: "module", main: "server.js" }),
      "server.js": 'import http from "node:http";\n',
    });
    await init(root);
    const before = snapshot(root);
    const second = await init(root);
    expect(second).toMatchObject({ changed: false, changes: [] });
    expect(snapshot(root)).toEqual(before);
    const readable = await manifest(["spark", "init"], root);
    expect(readable.stdout).toContain("Nothing to change");
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const { root } = tempProject({
      "package.json": JSON.stringify({ name: "app", scripts: { start: "node server.mjs" } }),
      "server.mjs": "console.log(1);\n",
    });
    const before = snapshot(root);
    const doc = await init(root, "--dry-run");
    expect(doc).toMatchObject({ dryRun: true, changed: false });
    expect(doc.changes.map((c) => c.path)).toEqual(["config/spark.ts", ".pi/settings.json", "server.mjs", ".spark/"]);
    expect(snapshot(root)).toEqual(before);
    const readable = await manifest(["spark", "init", "--dry-run"], root);
    expect(readable.stdout).toContain("Spark init would change");
    expect(readable.stdout).toContain("Nothing was written (--dry-run).");
  });

  it("--no-entry leaves the entry file alone", async () => {
    const { root } = tempProject({ "server.js": "require('http');\n" });
    const doc = await init(root, "--no-entry");
    expect(doc.changes.map((c) => c.path)).not.toContain("server.js");
    expect(readFileSync(join(root, "server.js"), "utf8")).toBe("require('http');\n");
  });

  it("writes relative paths when manifest-spark is installed in the project", async () => {
    const { root } = tempProject({ "package.json": '{ "name": "app" }\n' });
    mkdirSync(join(root, "node_modules"));
    symlinkSync(REPO, join(root, "node_modules/manifest-spark"), "dir");
    const doc = await init(root);
    const s = settings(root);
    expect(s.extensions).toEqual(["../node_modules/manifest-spark/dist/pi-extension.js"]);
    expect(s.skills).toEqual(["../node_modules/manifest-spark/skills"]);
    expect(realpathSync(resolve(root, ".pi", s.extensions[0] ?? ""))).toBe(realpathSync(EXTENSION));
    expect(doc.notes.map((n) => n.message).join("\n")).not.toContain("not installed");
  });

  it("replaces only a Spark entry that no longer resolves, and says so", async () => {
    const { root } = tempProject({
      ".pi/settings.json": JSON.stringify({ extensions: ["../gone/manifest-spark/dist/pi-extension.js", "./x.ts"] }),
    });
    const doc = await init(root);
    expect(doc.changes.find((c) => c.path === ".pi/settings.json")?.summary).toContain(
      "replaced the Spark extension entry ../gone/manifest-spark/dist/pi-extension.js, which does not resolve",
    );
    expect(settings(root).extensions).toEqual([EXTENSION, "./x.ts"]);
  });

  it("refuses a malformed .pi/settings.json and writes nothing at all", async () => {
    const { root } = tempProject({ ".pi/settings.json": '{ "extensions": [ nope\n' });
    const before = snapshot(root);
    const result = await manifest(["spark", "init", "--json"], root);
    expect(result.code).toBe(1);
    const doc = errorSchema.parse(result.json());
    expect(doc.error.message).toContain(".pi/settings.json is not valid JSON");
    expect(doc.error.next).toContain("run `manifest spark init` again");
    expect(snapshot(root)).toEqual(before);
  });
});

describe("after manifest spark init, a real Pi", () => {
  it("finds Spark's skill and loads the Spark extension (RPC get_commands, offline)", async () => {
    const { root } = tempProject({ "package.json": '{ "name": "app" }\n' });
    const { root: agentDir } = tempProject();
    await init(root);
    const child = spawn(join(REPO, "node_modules/.bin/pi"), ["--mode", "rpc", "--no-session"], {
      cwd: root,
      env: { ...process.env, PI_CODING_AGENT_DIR: agentDir, PI_OFFLINE: "1", SPARK_ROOT: "", SPARK_ENV: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    // Closing stdin after the request ends the RPC session once it has answered.
    child.stdin.end(`${JSON.stringify({ id: "1", type: "get_commands" })}\n`);
    const result = await finished(child);
    clearTimeout(timer);
    const response = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; id?: string; data?: { commands: Command[] } })
      .find((m) => m.type === "response" && m.id === "1");
    type Command = { name: string; source: string; sourceInfo: { path: string } };
    const commands = response?.data?.commands ?? [];
    expect(commands, result.stderr).toContainEqual(
      expect.objectContaining({
        name: "skill:spark",
        source: "skill",
        sourceInfo: expect.objectContaining({ path: join(REPO, "skills/spark/SKILL.md") }),
      }),
    );
    const extension = commands.find((c) => c.source === "extension" && c.name === "spark");
    expect(extension && realpathSync(extension.sourceInfo.path)).toBe(realpathSync(EXTENSION));
  });
});

describe("manifest spark init --entry-file", () => {
  it("uses the named file, and fails clearly when it does not exist", async () => {
    const { root } = tempProject({ "boot/main.ts": "export {};\n" });
    await init(root, "--entry-file", "boot/main.ts");
    expect(readFileSync(join(root, "boot/main.ts"), "utf8")).toBe(`${REGISTER}\nexport {};\n`);
    const missing = await manifest(["spark", "init", "--entry-file", "nope.js", "--json"], root);
    expect(missing.code).toBe(2);
    expect(errorSchema.parse(missing.json()).error.message).toContain("nope.js");
  });
});
