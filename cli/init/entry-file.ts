/**
 * Finding the app's entry file and adding Spark's process hooks to it (pure): one line,
 * `import "manifest-spark/register";` (or `require(…)` in CommonJS), placed where it runs
 * before any other module of the app.
 */

export const REGISTER_SPECIFIER = "manifest-spark/register";
const REGISTER_IMPORT = `import "${REGISTER_SPECIFIER}";`;
const REGISTER_REQUIRE = `require("${REGISTER_SPECIFIER}");`;

const EXTENSIONS = ["js", "ts", "mjs", "cjs", "mts", "cts"];
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
/** Build output is regenerated, so an import added there would vanish (and is not the source). */
const GENERATED = /^(?:dist|build|out|\.next|\.output|node_modules)\//;
/** Programs that run a file given after them (and their flags) in a package script. */
const RUNNERS = new Set([
  "node",
  "bun",
  "tsx",
  "ts-node",
  "ts-node-esm",
  "nodemon",
  "node-dev",
  "ts-node-dev",
  "esno",
  "vite-node",
]);
/** Where apps usually start, in the order they are tried. */
const USUAL_NAMES = ["server", "index", "src/server", "src/index", "app", "src/app"];

/** The parts of package.json that matter here. */
export interface PackageJsonLike {
  type?: unknown;
  main?: unknown;
  scripts?: unknown;
}

/** A place the entry file may be, and where that guess came from. */
export interface EntryCandidate {
  path: string;
  from: string;
}

function clean(path: string): string {
  return path.replace(/^["']|["']$/g, "").replace(/^\.\//, "");
}

/** The file a package script runs (`node --watch server.js` → `server.js`), if it names one. */
export function scriptTarget(script: string): string | undefined {
  const words = script.split(/\s+|&&|\|\||;/).filter((w) => w !== "");
  for (let i = 0; i < words.length; i++) {
    const program = (words[i] ?? "").split("/").pop() ?? "";
    if (!RUNNERS.has(program)) continue;
    for (const word of words.slice(i + 1)) {
      const path = clean(word);
      if (!path.startsWith("-") && SOURCE_FILE.test(path)) return path;
    }
  }
  return undefined;
}

/**
 * Where to look for the entry file, in order: package.json `main`, the file the `start` then
 * `dev` script runs, then the usual names. Build output (`dist/`…) is never a candidate.
 */
export function entryCandidates(pkg: PackageJsonLike | undefined): EntryCandidate[] {
  const out: EntryCandidate[] = [];
  const add = (path: string, from: string) => {
    const p = clean(path);
    if (p !== "" && !GENERATED.test(p) && !out.some((c) => c.path === p)) out.push({ path: p, from });
  };
  if (typeof pkg?.main === "string" && SOURCE_FILE.test(pkg.main)) add(pkg.main, 'package.json "main"');
  const scripts = pkg?.scripts && typeof pkg.scripts === "object" ? (pkg.scripts as Record<string, unknown>) : {};
  for (const name of ["start", "dev"]) {
    const script = scripts[name];
    const target = typeof script === "string" ? scriptTarget(script) : undefined;
    if (target) add(target, `the "${name}" script`);
  }
  for (const base of USUAL_NAMES) for (const ext of EXTENSIONS) add(`${base}.${ext}`, "a usual entry name");
  return out;
}

/** CommonJS or ES module: decides between `require(…)` and `import`. */
export function moduleKind(path: string, content: string, packageType: unknown): "esm" | "cjs" {
  if (/\.c[jt]s$/.test(path)) return "cjs";
  if (/\.m[jt]s$/.test(path)) return "esm";
  // `import(` is also valid in CommonJS, so it does not count.
  if (/^[ \t]*(?:import[\s{*"']|export[\s{*])/m.test(content)) return "esm";
  if (/\brequire\s*\(/.test(content)) return "cjs";
  return packageType === "module" || /\.tsx?$/.test(path) ? "esm" : "cjs";
}

/** True when the file already loads Spark's process hooks. */
export function hasRegister(content: string): boolean {
  return /(?:import\s*|from\s*|require\s*\(\s*)["']manifest-spark\/register(?:\.js)?["']/.test(content);
}

const DIRECTIVE = /^(["'])use [\w -]+\1[ \t]*;?/;

/**
 * Where the first statement starts: after a BOM, a shebang, comments and directives
 * ("use strict" must stay first to count). Returns an index at or after those.
 */
function firstStatement(content: string): number {
  let i = content.startsWith("\uFEFF") ? 1 : 0;
  if (content.startsWith("#!", i)) {
    const nl = content.indexOf("\n", i);
    i = nl === -1 ? content.length : nl + 1;
  }
  for (;;) {
    while (i < content.length && /\s/.test(content[i] ?? "")) i++;
    const rest = content.slice(i, i + 2);
    if (rest === "//") {
      const nl = content.indexOf("\n", i);
      i = nl === -1 ? content.length : nl + 1;
    } else if (rest === "/*") {
      const close = content.indexOf("*/", i + 2);
      i = close === -1 ? content.length : close + 2;
    } else {
      const directive = DIRECTIVE.exec(content.slice(i));
      if (!directive) return i;
      i += directive[0].length;
    }
  }
}

/**
 * Adds the register line as the first statement. ES imports are evaluated in order before the
 * module body, so the first import runs before any other module of the app; comments, a
 * shebang and directives stay above it. Returns the new content and the 1-based line.
 */
export function insertRegister(content: string, kind: "esm" | "cjs"): { content: string; line: number } {
  const eol = content.includes("\r\n") ? "\r\n" : "\n";
  const statement = kind === "esm" ? REGISTER_IMPORT : REGISTER_REQUIRE;
  let at = firstStatement(content);
  const lineStart = content.lastIndexOf("\n", at - 1) + 1;
  // Indentation before the first statement: insert at the start of its line instead.
  if (content.slice(lineStart, at).trim() === "") at = Math.max(lineStart, content.startsWith("\uFEFF") ? 1 : 0);
  const before = content.slice(0, at);
  const glue = at === content.length && at > 0 && !before.endsWith("\n") ? eol : "";
  const line = before.split("\n").length + (glue ? 1 : 0);
  return { content: `${before}${glue}${statement}${eol}${content.slice(at)}`, line };
}
