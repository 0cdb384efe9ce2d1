/**
 * The web frameworks Spark has an integration for, told from package.json, and the one line each
 * needs (pure). `spark init` prints the line (or adds it, with `--yes`); `doctor` says when a
 * framework is installed but the line is nowhere in the app.
 */

export type FrameworkId = "next" | "express" | "fastify" | "hono" | "koa";

/** A framework and how its integration is wired. */
export interface Framework {
  id: FrameworkId;
  name: string;
  /** Packages whose presence in package.json means the app uses it (npm aliases included). */
  packages: readonly string[];
  /** Where Spark's integration is imported from. */
  specifier: string;
  /** The import of the integration, ES module and CommonJS. */
  imports: { esm: string; cjs: string };
  /** The line that wires it, given the app's variable. */
  use(app: string): string;
  /** Where the line goes, in words a user follows. */
  where: string;
  /** How the app object is made (`const app = express()`): group 1 is its name. */
  creation?: RegExp;
}

const made = (call: string) =>
  new RegExp(String.raw`(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?${call}`);

/** In the order init prefers when an app has several (Next apps often carry Express for tools). */
export const FRAMEWORKS: readonly Framework[] = [
  {
    id: "next",
    name: "Next.js",
    packages: ["next"],
    specifier: "manifest-spark/next",
    imports: { esm: "", cjs: "" },
    use: () => 'export { onRequestError } from "manifest-spark/next";',
    where: "in instrumentation.ts (or .js) at the project root, or in src/ when the app lives there",
  },
  {
    id: "express",
    name: "Express",
    packages: ["express"],
    specifier: "manifest-spark/express",
    imports: {
      esm: 'import { sparkErrorHandler } from "manifest-spark/express";',
      cjs: 'const { sparkErrorHandler } = require("manifest-spark/express");',
    },
    use: (app) => `${app}.use(sparkErrorHandler());`,
    where: "after your routes, before your own error handler",
    creation: made(String.raw`express\s*\(`),
  },
  {
    id: "fastify",
    name: "Fastify",
    packages: ["fastify"],
    specifier: "manifest-spark/fastify",
    imports: {
      esm: 'import sparkFastify from "manifest-spark/fastify";',
      cjs: 'const { sparkFastify } = require("manifest-spark/fastify");',
    },
    use: (app) => `${app}.register(sparkFastify);`,
    where: "right after the app is made",
    creation: made(String.raw`(?:Fastify|fastify)\s*\(`),
  },
  {
    id: "hono",
    name: "Hono",
    packages: ["hono"],
    specifier: "manifest-spark/hono",
    imports: {
      esm: 'import { sparkHono } from "manifest-spark/hono";',
      cjs: 'const { sparkHono } = require("manifest-spark/hono");',
    },
    use: (app) => `${app}.use(sparkHono());`,
    where: "right after the app is made, before any route",
    creation: made(String.raw`new\s+Hono\s*[(<]`),
  },
  {
    id: "koa",
    name: "Koa",
    packages: ["koa"],
    specifier: "manifest-spark/koa",
    imports: {
      esm: 'import { sparkKoa } from "manifest-spark/koa";',
      cjs: 'const { sparkKoa } = require("manifest-spark/koa");',
    },
    use: (app) => `${app}.use(sparkKoa());`,
    where: "as the first middleware, right after the app is made",
    creation: made(String.raw`new\s+Koa\s*\(`),
  },
];

/** The parts of package.json that tell the framework. */
export interface PackageDeps {
  dependencies?: unknown;
  devDependencies?: unknown;
}

/**
 * The frameworks the app depends on, in `FRAMEWORKS` order. A dependency counts under its own
 * name or as an alias of it (`"express": "npm:express@5"`, `"web": "npm:hono@4"`).
 */
export function detectFrameworks(pkg: PackageDeps | undefined): Framework[] {
  const deps: Record<string, unknown> = {
    ...(isRecord(pkg?.devDependencies) ? pkg.devDependencies : {}),
    ...(isRecord(pkg?.dependencies) ? pkg.dependencies : {}),
  };
  const named = (name: string) =>
    name in deps || Object.values(deps).some((spec) => typeof spec === "string" && spec.startsWith(`npm:${name}@`));
  return FRAMEWORKS.filter((f) => f.packages.some(named));
}

/** Whether a source file wires the framework's integration (imports it, by name). */
export function wiresIntegration(framework: Framework, content: string): boolean {
  const spec = framework.specifier.replace("/", "\\/");
  return new RegExp(`(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*)["']${spec}(?:\\.js)?["']`).test(content);
}

/** The whole advice for a framework: the import and the line, and where they go. */
export function wiringAdvice(framework: Framework, app = "app"): string {
  if (framework.id === "next") return `${framework.use(app)} (${framework.where})`;
  return `${framework.imports.esm} then ${framework.use(app)} (${framework.where})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
