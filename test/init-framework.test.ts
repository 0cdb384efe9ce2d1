import { describe, expect, it } from "vitest";
import { frameworkCheck } from "../cli/doctor/framework-check.js";
import { detectFrameworks, FRAMEWORKS, type FrameworkId, wiresIntegration } from "../cli/init/framework.js";
import type { FrameworkFact } from "../cli/init/framework-files.js";
import { wireApp, wireNext } from "../cli/init/framework-wiring.js";
import { type InitFacts, planInit } from "../cli/init/plan.js";

const fw = (id: FrameworkId) => FRAMEWORKS.find((f) => f.id === id) as (typeof FRAMEWORKS)[number];

describe("detectFrameworks", () => {
  it("finds the frameworks in dependencies and devDependencies, aliases included, Next first", () => {
    const ids = (pkg: Parameters<typeof detectFrameworks>[0]) => detectFrameworks(pkg).map((f) => f.id);
    expect(ids({ dependencies: { express: "^5.1.0", zod: "4" } })).toEqual(["express"]);
    expect(ids({ dependencies: { web: "npm:hono@4.7.0" }, devDependencies: { koa: "3" } })).toEqual(["hono", "koa"]);
    expect(ids({ dependencies: { express: "4", next: "15.3.0" } })).toEqual(["next", "express"]);
    expect(ids({ dependencies: { "fastify-plugin": "5", "express-session": "1" } })).toEqual([]);
    expect(ids(undefined)).toEqual([]);
    expect(ids({ dependencies: ["express"] })).toEqual([]);
  });
});

describe("wiresIntegration", () => {
  it("sees the integration imported, required or re-exported, and nothing else", () => {
    expect(wiresIntegration(fw("express"), 'import { sparkErrorHandler } from "manifest-spark/express";')).toBe(true);
    expect(wiresIntegration(fw("koa"), "const { sparkKoa } = require('manifest-spark/koa')")).toBe(true);
    expect(wiresIntegration(fw("next"), 'export { onRequestError } from "manifest-spark/next";')).toBe(true);
    expect(wiresIntegration(fw("hono"), 'const m = await import("manifest-spark/hono.js");')).toBe(true);
    expect(wiresIntegration(fw("express"), 'import { spark } from "manifest-spark";')).toBe(false);
    expect(wiresIntegration(fw("express"), "// see manifest-spark/express in the README")).toBe(false);
  });
});

describe("wireApp", () => {
  it("puts Express's handler before the app's own error handler, and the import after the imports", () => {
    const before = [
      'import express from "express";',
      "import {",
      "  users,",
      '} from "./users.js";',
      "",
      "const app = express();",
      'app.get("/users/:id", users);',
      "app.use((err, req, res, next) => {",
      "  res.status(500).end();",
      "});",
      "app.listen(3000);",
      "",
    ].join("\n");
    const wired = wireApp(fw("express"), before, "esm");
    expect(wired).toEqual({
      ok: true,
      line: 9,
      content: [
        'import express from "express";',
        "import {",
        "  users,",
        '} from "./users.js";',
        'import { sparkErrorHandler } from "manifest-spark/express";',
        "",
        "const app = express();",
        'app.get("/users/:id", users);',
        "app.use(sparkErrorHandler());",
        "app.use((err, req, res, next) => {",
        "  res.status(500).end();",
        "});",
        "app.listen(3000);",
        "",
      ].join("\n"),
    });
  });

  it("puts Express's handler before the export when there is no listen, in CommonJS with a require", () => {
    const before =
      'const express = require("express");\nconst server = express();\nserver.get("/", h);\nmodule.exports = server;\n';
    const wired = wireApp(fw("express"), before, "cjs");
    expect(wired).toMatchObject({
      ok: true,
      line: 5,
      content:
        'const express = require("express");\nconst server = express();\nserver.get("/", h);\n' +
        'const { sparkErrorHandler } = require("manifest-spark/express");\nserver.use(sparkErrorHandler());\nmodule.exports = server;\n',
    });
  });

  it("puts Hono's, Koa's and Fastify's line right after the statement that makes the app", () => {
    const hono = wireApp(
      fw("hono"),
      'import { Hono } from "hono";\nconst api = new Hono<{ Bindings: Env }>({\n  strict: false,\n});\napi.get("/", h);\n',
      "esm",
    );
    expect(hono.ok && hono.content).toBe(
      'import { Hono } from "hono";\nimport { sparkHono } from "manifest-spark/hono";\nconst api = new Hono<{ Bindings: Env }>({\n  strict: false,\n});\napi.use(sparkHono());\napi.get("/", h);\n',
    );
    const koa = wireApp(
      fw("koa"),
      "function start() {\n  const app = new Koa();\n  app.use(router.routes());\n}\n",
      "cjs",
    );
    expect(koa.ok && koa.content).toBe(
      'function start() {\n  const app = new Koa();\n  const { sparkKoa } = require("manifest-spark/koa");\n  app.use(sparkKoa());\n  app.use(router.routes());\n}\n',
    );
    const fastify = wireApp(fw("fastify"), "#!/usr/bin/env node\nconst app = Fastify({ logger: true });\n", "esm");
    expect(fastify.ok && fastify.content).toBe(
      '#!/usr/bin/env node\nimport sparkFastify from "manifest-spark/fastify";\nconst app = Fastify({ logger: true });\napp.register(sparkFastify);\n',
    );
  });

  it("says why when it cannot tell where the line goes", () => {
    expect(wireApp(fw("express"), "export default express();\n", "esm")).toMatchObject({ ok: false });
    expect(wireApp(fw("express"), "const app = express();\napp.get('/', h);\n", "esm")).toMatchObject({
      ok: false,
      problem: expect.stringContaining("app.listen"),
    });
  });
});

describe("wireNext", () => {
  it("creates or extends instrumentation, and leaves an onRequestError of the app's own alone", () => {
    const line = 'export { onRequestError } from "manifest-spark/next";';
    expect(wireNext(fw("next"), undefined)).toEqual({ ok: true, content: `${line}\n`, line: 1 });
    expect(wireNext(fw("next"), "export function register() {}")).toEqual({
      ok: true,
      content: `export function register() {}\n${line}\n`,
      line: 2,
    });
    expect(wireNext(fw("next"), "export async function onRequestError() {}\n")).toMatchObject({ ok: false });
  });
});

describe("planInit with a framework", () => {
  const serverJs = 'import express from "express";\nconst app = express();\napp.listen(3000);\n';
  const express = (patch: Partial<FrameworkFact> = {}): FrameworkFact => ({
    framework: fw("express"),
    wiredIn: undefined,
    target: { state: "found", file: { path: "server.js", content: serverJs, kind: "esm" } },
    ...patch,
  });
  const facts = (patch: Partial<InitFacts>): InitFacts => ({
    configFile: "config/spark.ts",
    configProblem: undefined,
    piSettings: JSON.stringify({ extensions: ["x"], skills: ["y"] }),
    want: { extension: "x", skills: "y" },
    resolves: () => true,
    installedInProject: true,
    extensionBuilt: true,
    entry: { state: "skipped" },
    bus: { missing: [], loose: [], gitignore: true },
    frameworks: [],
    wireFrameworks: false,
    ...patch,
  });

  it("prints the line without --yes, and changes nothing", () => {
    const plan = planInit(facts({ frameworks: [express()] }));
    expect(plan).toMatchObject({ ok: true, changes: [] });
    expect(plan.ok && plan.notes[0]?.next).toContain("app.use(sparkErrorHandler())");
    expect(plan.ok && plan.notes[0]?.next).toContain("manifest spark init --yes");
  });

  it("adds it with --yes, in the same change as the register import when that is the same file", () => {
    const plan = planInit(
      facts({
        frameworks: [express()],
        wireFrameworks: true,
        entry: { state: "found", path: "server.js", from: "the start script", content: serverJs, kind: "esm" },
      }),
    );
    if (!plan.ok) throw new Error("plan failed");
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]?.after).toBe(
      'import "manifest-spark/register";\nimport express from "express";\nimport { sparkErrorHandler } from "manifest-spark/express";\nconst app = express();\napp.use(sparkErrorHandler());\napp.listen(3000);\n',
    );
    expect(plan.changes[0]?.summary).toMatch(/register.*; wired Spark's Express integration \(line 5\)/);
  });

  it("says nothing once it is wired", () => {
    expect(planInit(facts({ frameworks: [express({ wiredIn: "src/app.ts" })], wireFrameworks: true }))).toEqual({
      ok: true,
      changes: [],
      notes: [],
    });
  });

  it("creates Next's instrumentation file", () => {
    const next: FrameworkFact = {
      framework: fw("next"),
      wiredIn: undefined,
      target: { state: "new", path: "src/instrumentation.ts" },
    };
    const plan = planInit(facts({ frameworks: [next], wireFrameworks: true }));
    expect(plan).toMatchObject({
      ok: true,
      changes: [
        {
          path: "src/instrumentation.ts",
          action: "create",
          after: 'export { onRequestError } from "manifest-spark/next";\n',
        },
      ],
    });
  });
});

describe("doctor's framework check", () => {
  const express = { name: "Express", wiredIn: undefined, advice: "the line (after your routes)" };

  it("is ok without a known framework, or with each one wired", () => {
    expect(frameworkCheck([])).toMatchObject({ status: "ok", detail: expect.stringContaining("Express, Fastify") });
    expect(frameworkCheck([{ ...express, wiredIn: "src/app.ts" }])).toMatchObject({
      status: "ok",
      detail: "integration wired: Express (src/app.ts)",
    });
  });

  it("warns when a framework is installed but not wired, with the line and init --yes", () => {
    const check = frameworkCheck([express, { name: "Koa", wiredIn: "koa.js", advice: "x" }]);
    expect(check).toMatchObject({ status: "warn", lines: ["wired: Koa (koa.js)"] });
    expect(check.detail).toContain("Express installed, but Spark's integration is not wired");
    expect(check.next).toBe("Run `manifest spark init --yes`, or add the line (after your routes).");
  });
});
