import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { findConfigFile, loadConfig } from "../../bus/config-load.js";
import type { BusPaths } from "../../bus/paths.js";
import { busDirState, repairBusDirs } from "../_bus-dirs.js";
import { CliError } from "../_errors.js";
import { extensionEntry, packageRoot, skillsDir } from "../_package.js";
import { entryCandidates, moduleKind, type PackageJsonLike } from "./entry-file.js";
import type { PackageDeps } from "./framework.js";
import { gatherFrameworkFacts } from "./framework-files.js";
import type { SparkPiEntries } from "./pi-settings.js";
import type { EntryFact, InitChange, InitFacts } from "./plan.js";

/** How init should treat the entry file. */
export interface EntryOption {
  /** False with `--no-entry`. */
  enabled: boolean;
  /** `--entry-file <path>`: use this file instead of looking for one. */
  file?: string | undefined;
}

/** The folder of the manifest-spark package installed for `root` (node resolves upward). */
export function installedPackage(root: string): string | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "manifest-spark");
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The settings entries for Spark, relative to `.pi/` when the package sits inside the project
 * (installed in node_modules, or the project is this repository), so the file works on every
 * machine; else absolute (a global install or a clone elsewhere).
 */
export function sparkPiEntries(root: string): { want: SparkPiEntries; installedInProject: boolean } {
  const piDir = join(root, ".pi");
  const installed = installedPackage(root);
  if (installed) {
    return {
      want: {
        extension: relative(piDir, join(installed, "dist", "pi-extension.js")),
        skills: relative(piDir, join(installed, "skills")),
      },
      installedInProject: true,
    };
  }
  const pkg = packageRoot();
  const inside = !relative(root, pkg).startsWith("..") && !isAbsolute(relative(root, pkg));
  return {
    want: inside
      ? { extension: relative(piDir, extensionEntry()), skills: relative(piDir, skillsDir()) }
      : { extension: extensionEntry(), skills: skillsDir() },
    installedInProject: inside,
  };
}

/** Resolves a settings entry the way Pi does: relative to `.pi/`, `~` for home, `+` stripped. */
export function resolveSettingsEntry(root: string, entry: string): string {
  const p = entry.startsWith("+") ? entry.slice(1) : entry;
  const home = p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(1)) : p;
  return resolve(root, ".pi", home);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The project's package.json; a broken one only costs us its hints. */
export function readPackageJson(root: string): (PackageJsonLike & PackageDeps) | undefined {
  try {
    return (JSON.parse(readText(join(root, "package.json")) ?? "null") as PackageJsonLike & PackageDeps) ?? undefined;
  } catch {
    return undefined;
  }
}

function findEntry(root: string, option: EntryOption): EntryFact {
  if (!option.enabled) return { state: "skipped" };
  const pkg = readPackageJson(root);
  if (option.file) {
    const inside = relative(root, resolve(option.file));
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new CliError(
        `--entry-file ${option.file} is outside the project (${root}).`,
        "E_USAGE",
        "Give a file of this project; init only changes files inside it.",
        2,
      );
    }
  }
  const candidates = option.file
    ? [{ path: relative(root, resolve(option.file)), from: "--entry-file" }]
    : entryCandidates(pkg ?? undefined);
  for (const c of candidates) {
    const abs = join(root, c.path);
    if (!isFile(abs)) continue;
    const content = readFileSync(abs, "utf8");
    return { state: "found", path: c.path, from: c.from, content, kind: moduleKind(c.path, content, pkg?.type) };
  }
  if (option.file) {
    throw new CliError(
      `--entry-file ${option.file}: no such file.`,
      "E_USAGE",
      "Give the path of your app's entry file.",
      2,
    );
  }
  return { state: "not-found", tried: candidates.map((c) => c.path) };
}

/** Gathers everything `planInit` needs from the project at `root`. */
export function gatherInitFacts(root: string, paths: BusPaths, entry: EntryOption, wireFrameworks = false): InitFacts {
  const configPath = findConfigFile(root);
  let configProblem: string | undefined;
  if (configPath) {
    try {
      loadConfig(root);
    } catch (error) {
      configProblem = (error as Error).message;
    }
  }
  const { want, installedInProject } = sparkPiEntries(root);
  const resolves = (e: string) => existsSync(resolveSettingsEntry(root, e));
  const dirs = busDirState(paths);
  return {
    configFile: configPath ? relative(root, configPath) : undefined,
    configProblem,
    piSettings: readText(join(root, ".pi", "settings.json")),
    want,
    resolves,
    installedInProject,
    extensionBuilt: resolves(want.extension),
    entry: findEntry(root, entry),
    bus: {
      missing: dirs.missing.map((d) => relative(root, d)),
      loose: dirs.loose.map((d) => relative(root, d.path)),
      gitignore: dirs.gitignore,
    },
    frameworks: gatherFrameworkFacts(root, readPackageJson(root)),
    wireFrameworks,
  };
}

/**
 * Applies a plan. Every file is first checked to be as the plan saw it, so a file that changed
 * meanwhile is never overwritten; new files are created exclusively.
 */
export function applyInit(root: string, paths: BusPaths, changes: InitChange[]): void {
  for (const change of changes) {
    if (change.action === "mkdir") continue;
    const current = readText(join(root, change.path));
    if (current !== change.before) {
      throw new CliError(
        `${change.path} changed while \`manifest spark init\` ran; nothing was written.`,
        "E_CHANGED",
        "Run `manifest spark init` again.",
      );
    }
  }
  for (const change of changes) {
    const path = join(root, change.path);
    if (change.action === "mkdir") repairBusDirs(paths);
    else if (change.action === "create") {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, change.after ?? "", { flag: "wx" });
    } else writeFileSync(path, change.after ?? "");
  }
}
