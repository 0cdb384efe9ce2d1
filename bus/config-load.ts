import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { parseSparkConfig, type SparkConfig } from "./config-schema.js";
import { type BusPaths, busPaths } from "./paths.js";
import { describeIssue } from "./zod-issues.js";

/** Where Spark looks for the config, relative to the project root, in order. */
export const CONFIG_CANDIDATES = ["config/spark.ts", "config/spark.mts", "config/spark.js", "config/spark.mjs"];

/** A config problem, with the file and the field, and what to do next. */
export class SparkConfigError extends Error {
  override readonly name = "SparkConfigError";
  constructor(
    message: string,
    readonly file: string | undefined,
    /** Dotted path of the bad field, when one is to blame. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The config of one project, with its bus paths. */
export interface LoadedConfig {
  root: string;
  /** The config file, when the project has one. */
  file: string | undefined;
  config: SparkConfig;
  paths: BusPaths;
}

/** What made a folder the project root. */
export type ProjectMarker = "SPARK_ROOT" | "config" | ".spark" | "package.json" | ".git";

/** A project root and the marker that chose it. */
export interface LocatedProject {
  root: string;
  by: ProjectMarker;
}

/**
 * Finds the project root upward from `start`: `SPARK_ROOT` when set, else the nearest folder
 * holding a Spark config or `.spark/` (anywhere up: Spark set up at a monorepo's top serves
 * its packages), else the nearest holding `package.json` or `.git`. Undefined when none is
 * found: nothing there is a project.
 */
export function locateProject(start = process.cwd(), env: NodeJS.ProcessEnv = process.env): LocatedProject | undefined {
  if (env.SPARK_ROOT) return { root: resolve(env.SPARK_ROOT), by: "SPARK_ROOT" };
  let nearest: LocatedProject | undefined;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (CONFIG_CANDIDATES.some((c) => existsSync(join(dir, c)))) return { root: dir, by: "config" };
    if (isDir(join(dir, ".spark"))) return { root: dir, by: ".spark" };
    if (!nearest && existsSync(join(dir, "package.json"))) nearest = { root: dir, by: "package.json" };
    if (!nearest && existsSync(join(dir, ".git"))) nearest = { root: dir, by: ".git" };
    if (dirname(dir) === dir) return nearest;
  }
}

/** The project root (see `locateProject`), or `start` itself when nothing marks one. */
export function findProjectRoot(start = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return locateProject(start, env)?.root ?? resolve(start);
}

/**
 * Whether a folder is a project Spark belongs in: it has a Spark config, a `.spark/`, a
 * package.json or a git repository. A Pi session started elsewhere (a home folder, say) with
 * Spark installed globally leaves no `.spark/` behind there.
 */
export function looksLikeProject(root: string): boolean {
  return (
    findConfigFile(root) !== undefined ||
    isDir(join(root, ".spark")) ||
    existsSync(join(root, "package.json")) ||
    existsSync(join(root, ".git"))
  );
}

/** The config file of a project, if it has one. */
export function findConfigFile(root: string): string | undefined {
  return CONFIG_CANDIDATES.map((c) => join(root, c)).find((p) => existsSync(p));
}

/**
 * Loads and validates the project's config (`config/spark.ts` is TypeScript, loaded at
 * runtime). Throws `SparkConfigError` naming the file and the field on any problem.
 */
export function loadConfig(root: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const file = findConfigFile(root);
  const raw = file ? importConfigFile(file) : {};
  const shown = file ? relative(root, file) || file : "config";
  const parsed = parseSparkConfig(raw, env);
  if (!parsed.ok) {
    const first = parsed.error.issues[0];
    const field = first ? first.path.map(String).join(".") : undefined;
    const all = parsed.error.issues.map(describeIssue).join("; ");
    throw new SparkConfigError(`${shown}: ${all}. Fix the field, then run \`manifest doctor\` to check.`, file, field);
  }
  const config = parsed.config;
  return { root, file, config, paths: busPaths(root, config) };
}

/** jiti, loaded only when a project has a config file (it is the slowest part of start-up). */
function loadJiti(): typeof import("jiti") {
  return createRequire(import.meta.url)("jiti") as typeof import("jiti");
}

function importConfigFile(file: string): unknown {
  const jiti = loadJiti().createJiti(import.meta.url, {
    moduleCache: false,
    interopDefault: true,
    ...(selfEntry ? { alias: { "manifest-spark": selfEntry } } : {}),
  });
  let mod: unknown;
  try {
    mod = jiti(file);
  } catch (error) {
    throw new SparkConfigError(
      `${file} could not be loaded: ${(error as Error).message}. Fix the file (it must default-export the config).`,
      file,
    );
  }
  const value = mod && typeof mod === "object" && "default" in mod ? (mod as { default: unknown }).default : mod;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SparkConfigError(
      `${file} must default-export an object (export default defineSparkConfig({ … })).`,
      file,
    );
  }
  return value;
}

/** This package's public entry, so a config can import `manifest-spark` from any project. */
const selfEntry: string | undefined = (() => {
  try {
    return createRequire(import.meta.url).resolve("manifest-spark");
  } catch {
    return undefined;
  }
})();

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
