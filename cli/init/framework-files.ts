import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { entryCandidates, moduleKind, type PackageJsonLike } from "./entry-file.js";
import { detectFrameworks, type Framework, type PackageDeps, wiresIntegration } from "./framework.js";

/** A source file of the app, read. */
export interface SourceFile {
  path: string;
  content: string;
  kind: "esm" | "cjs";
}

/** What init and doctor know about one framework the app uses. */
export interface FrameworkFact {
  framework: Framework;
  /** A file that already wires Spark's integration, if any. */
  wiredIn: string | undefined;
  /** Where the line would go: the file that makes the app, or Next's instrumentation file. */
  target: { state: "found"; file: SourceFile } | { state: "new"; path: string } | { state: "not-found" };
}

/** Folders that hold no source of the app's own. */
const SKIP = new Set([
  "node_modules",
  "dist",
  "build",
  "out",
  "coverage",
  ".git",
  ".next",
  ".output",
  ".spark",
  ".turbo",
  ".vercel",
  ".tmp",
]);
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const MAX_FILES = 2000;
const MAX_BYTES = 512 * 1024;

/** The app's source files (bounded: a monorepo's worth is enough to find one line). */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (out.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name) && depth < 8) walk(path, depth + 1);
      } else if (entry.isFile() && SOURCE.test(entry.name)) {
        out.push(relative(root, path));
      }
    }
  };
  walk(root, 0);
  return out;
}

function read(root: string, path: string): string | undefined {
  try {
    const abs = join(root, path);
    return statSync(abs).size <= MAX_BYTES ? readFileSync(abs, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The frameworks the app at `root` uses, whether each is wired, and where its line would go.
 * A Next app is only asked for Next's hook: the others it depends on serve its tools.
 */
export function gatherFrameworkFacts(root: string, pkg: (PackageDeps & PackageJsonLike) | undefined): FrameworkFact[] {
  const detected = detectFrameworks(pkg);
  if (detected.length === 0) return [];
  const frameworks = detected[0]?.id === "next" ? detected.slice(0, 1) : detected;
  const files = sourceFiles(root);
  const preferred = [...entryCandidates(pkg).map((c) => c.path), ...files];
  const contents = new Map<string, string | undefined>();
  const contentOf = (path: string) => {
    if (!contents.has(path)) contents.set(path, existsSync(join(root, path)) ? read(root, path) : undefined);
    return contents.get(path);
  };
  return frameworks.map((framework) => {
    const wiredIn = files.find((f) => {
      const c = contentOf(f);
      return c !== undefined && wiresIntegration(framework, c);
    });
    if (framework.id === "next") return { framework, wiredIn, target: nextTarget(root, contentOf) };
    const path = [...new Set(preferred)].find((f) => {
      const c = contentOf(f);
      return c !== undefined && framework.creation?.test(c) === true;
    });
    const content = path !== undefined ? contentOf(path) : undefined;
    return {
      framework,
      wiredIn,
      target:
        path !== undefined && content !== undefined
          ? { state: "found", file: { path, content, kind: moduleKind(path, content, pkg?.type) } }
          : { state: "not-found" },
    };
  });
}

/** Next's instrumentation file: the existing one, else where Next looks for it. */
function nextTarget(root: string, contentOf: (path: string) => string | undefined): FrameworkFact["target"] {
  const inSrc = existsSync(join(root, "src/app")) || existsSync(join(root, "src/pages"));
  const dir = inSrc ? "src/" : "";
  for (const ext of ["ts", "js", "mjs"]) {
    const path = `${dir}instrumentation.${ext}`;
    const content = contentOf(path);
    if (content !== undefined) return { state: "found", file: { path, content, kind: "esm" } };
  }
  return { state: "new", path: `${dir}instrumentation.${existsSync(join(root, "tsconfig.json")) ? "ts" : "js"}` };
}
