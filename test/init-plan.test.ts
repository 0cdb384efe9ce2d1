import { describe, expect, it } from "vitest";
import { entryCandidates, hasRegister, insertRegister, moduleKind, scriptTarget } from "../cli/init/entry-file.js";
import { isSparkExtensionEntry, planPiSettings } from "../cli/init/pi-settings.js";
import { type InitFacts, planInit } from "../cli/init/plan.js";

const IMPORT = 'import "manifest-spark/register";';
const want = {
  extension: "../node_modules/manifest-spark/dist/pi-extension.js",
  skills: "../node_modules/manifest-spark/skills",
};

describe("finding the entry file", () => {
  it("reads the file a start or dev script runs, past the runner's flags", () => {
    expect(scriptTarget("node --watch server.js")).toBe("server.js");
    expect(scriptTarget("node -r dotenv/config --env-file .env ./src/main.mjs")).toBe("src/main.mjs");
    expect(scriptTarget("tsx watch src/server.ts")).toBe("src/server.ts");
    expect(scriptTarget("tsc && node dist/index.js")).toBe("dist/index.js");
    expect(scriptTarget("next dev")).toBeUndefined();
  });

  it("tries main, then start, then dev, then the usual names, never build output", () => {
    const candidates = entryCandidates({
      main: "dist/index.js",
      scripts: { start: "node dist/server.js", dev: "tsx watch src/app.ts" },
    }).map((c) => c.path);
    expect(candidates[0]).toBe("src/app.ts");
    expect(candidates).not.toContain("dist/index.js");
    expect(candidates.slice(1, 4)).toEqual(["server.js", "server.ts", "server.mjs"]);
    expect(candidates).toContain("src/index.ts");
    expect(entryCandidates({ main: "./lib/main.cjs" })[0]).toEqual({
      path: "lib/main.cjs",
      from: 'package.json "main"',
    });
  });

  it("tells CommonJS from ES modules", () => {
    expect(moduleKind("a.cjs", "import x from 'y';", "module")).toBe("cjs");
    expect(moduleKind("a.mjs", "require('x')", undefined)).toBe("esm");
    expect(moduleKind("a.js", "const x = require('x');\nconst y = await import('y');", "module")).toBe("cjs");
    expect(moduleKind("a.js", "import { createRequire } from 'node:module';\nrequire('x');", undefined)).toBe("esm");
    expect(moduleKind("a.js", "console.log(1);", "module")).toBe("esm");
    expect(moduleKind("a.js", "console.log(1);", "commonjs")).toBe("cjs");
    expect(moduleKind("a.ts", "console.log(1);", undefined)).toBe("esm");
  });

  it("recognises an existing register import or require", () => {
    expect(hasRegister(`${IMPORT}\n`)).toBe(true);
    expect(hasRegister("require('manifest-spark/register')")).toBe(true);
    expect(hasRegister('import "manifest-spark";')).toBe(false);
  });
});

describe("inserting the register line", () => {
  const cases: [string, string, "esm" | "cjs", string][] = [
    ["an empty file", "", "esm", `${IMPORT}\n`],
    ["a plain module", 'import a from "a";\n', "esm", `${IMPORT}\nimport a from "a";\n`],
    [
      "a shebang and comments",
      '#!/usr/bin/env node\n// hi\n/* block\n */\nimport a from "a";\n',
      "esm",
      `#!/usr/bin/env node\n// hi\n/* block\n */\n${IMPORT}\nimport a from "a";\n`,
    ],
    [
      "a directive",
      "'use strict';\nconst a = require('a');\n",
      "cjs",
      `'use strict';\nrequire("manifest-spark/register");\nconst a = require('a');\n`,
    ],
    ["CRLF line ends", 'import a from "a";\r\n', "esm", `${IMPORT}\r\nimport a from "a";\r\n`],
    [
      "code after a comment on its line",
      '/* x */ import a from "a";\n',
      "esm",
      `/* x */ ${IMPORT}\nimport a from "a";\n`,
    ],
    ["only a comment without a newline", "// nothing yet", "esm", `// nothing yet\n${IMPORT}\n`],
    ["an indented first statement", '\n  import a from "a";\n', "esm", `\n${IMPORT}\n  import a from "a";\n`],
  ];
  it.each(cases)("%s", (_name, before, kind, after) => {
    const result = insertRegister(before, kind);
    expect(result.content).toBe(after);
    expect(after.split(/\r?\n/)[result.line - 1]).toContain("manifest-spark/register");
  });
});

describe("merging into .pi/settings.json", () => {
  const resolvesNothing = () => false;
  const resolvesAll = () => true;

  it("adds both entries to a new file", () => {
    const plan = planPiSettings(undefined, want, resolvesNothing);
    expect(plan.ok && JSON.parse(plan.after ?? "")).toEqual({ extensions: [want.extension], skills: [want.skills] });
  });

  it("keeps other keys and entries, in order, and changes nothing when Spark is there and resolves", () => {
    const text = JSON.stringify({
      a: 1,
      extensions: ["x.ts", "+/abs/manifest-spark/dist/pi-extension.js"],
      skills: ["s"],
      z: [2],
    });
    const plan = planPiSettings(text, want, resolvesAll);
    expect(plan.ok && JSON.parse(plan.after ?? "")).toEqual({
      a: 1,
      extensions: ["x.ts", "+/abs/manifest-spark/dist/pi-extension.js"],
      skills: ["s", want.skills],
      z: [2],
    });
    const full = JSON.stringify({ extensions: [want.extension], skills: [want.skills] });
    expect(planPiSettings(full, want, resolvesAll)).toEqual({ ok: true, after: undefined, actions: [] });
  });

  it("never treats an exclusion as Spark's entry", () => {
    expect(isSparkExtensionEntry("!../node_modules/manifest-spark/dist/pi-extension.js", want.extension)).toBe(false);
    expect(isSparkExtensionEntry("/src/spark/pi-extensions/spark/index.ts", want.extension)).toBe(true);
  });

  it("refuses what it cannot merge into, with a next step", () => {
    for (const text of ["{ nope", "[1, 2]", '{ "extensions": "x.ts" }']) {
      const plan = planPiSettings(text, want, resolvesAll);
      expect(plan.ok).toBe(false);
      expect(!plan.ok && plan.next).toContain("manifest spark init");
    }
  });
});

describe("planInit", () => {
  const facts = (patch: Partial<InitFacts> = {}): InitFacts => ({
    configFile: undefined,
    configProblem: undefined,
    piSettings: undefined,
    want,
    resolves: () => true,
    installedInProject: true,
    extensionBuilt: true,
    entry: { state: "found", path: "server.js", from: "the start script", content: "console.log(1);\n", kind: "cjs" },
    bus: { missing: [".spark"], loose: [], gitignore: false },
    frameworks: [],
    wireFrameworks: false,
    ...patch,
  });

  it("plans every change of a fresh project, with content before and after", () => {
    const plan = planInit(facts());
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.changes.map((c) => [c.path, c.action])).toEqual([
      ["config/spark.ts", "create"],
      [".pi/settings.json", "create"],
      ["server.js", "update"],
      [".spark/", "mkdir"],
    ]);
    expect(plan.changes[2]).toMatchObject({
      before: "console.log(1);\n",
      after: 'require("manifest-spark/register");\nconsole.log(1);\n',
    });
    expect(plan.notes).toEqual([]);
  });

  it("plans nothing for a project that is set up", () => {
    const done = facts({
      configFile: "config/spark.ts",
      piSettings: JSON.stringify({ extensions: [want.extension], skills: [want.skills] }),
      entry: { state: "found", path: "server.js", from: "x", content: `${IMPORT}\n`, kind: "esm" },
      bus: { missing: [], loose: [], gitignore: true },
    });
    expect(planInit(done)).toEqual({ ok: true, changes: [], notes: [] });
  });

  it("warns, without changing anything for it, about what it cannot do", () => {
    const plan = planInit(
      facts({
        configFile: "config/spark.ts",
        configProblem: "`debounce.windowMs` must be a number",
        installedInProject: false,
        extensionBuilt: false,
        entry: { state: "not-found", tried: ["server.js"] },
      }),
    );
    expect(plan.ok && plan.notes.map((n) => n.message).join("\n")).toMatch(
      /does not load[\s\S]*not built yet[\s\S]*not installed in this project[\s\S]*no entry file found/,
    );
    expect(plan.ok && plan.notes.every((n) => n.next)).toBe(true);
  });

  it("stops the whole plan on a settings file it cannot merge into", () => {
    expect(planInit(facts({ piSettings: "{" }))).toMatchObject({
      ok: false,
      problem: expect.stringContaining("not valid JSON"),
    });
  });
});
