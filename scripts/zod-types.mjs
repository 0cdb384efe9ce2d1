// The published types mention zod's (`SparkUserConfig` is the config schema's input type), but
// zod itself is bundled into dist/ and is no dependency of an app: its declaration files are
// copied into dist/types/_zod/ and our .d.ts files point there, so an app type-checks
// `config/spark.ts` without zod installed (8 MB an app's production install does not carry).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
const ZOD_MINI = /(["'])zod\/mini\1/g;

/**
 * Copies the .d.ts files `zod/mini` reaches into `<typesDir>/_zod/` and rewrites every
 * `"zod/mini"` import under `typesDir` to that copy. Returns the number of files copied.
 */
export function vendorZodTypes(root, typesDir) {
  const zodRoot = join(root, "node_modules", "zod");
  const vendor = join(typesDir, "_zod");
  const seen = new Set();
  const queue = [join(zodRoot, "mini", "index.d.ts")];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(RELATIVE_IMPORT)) {
      const target = join(dirname(file), spec.replace(/\.js$/, ".d.ts"));
      if (!existsSync(target)) throw new Error(`zod types: ${relative(zodRoot, file)} imports ${spec}, not found`);
      queue.push(target);
    }
    const out = join(vendor, relative(zodRoot, file));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(file, out);
  }
  copyFileSync(join(zodRoot, "LICENSE"), join(vendor, "LICENSE"));
  for (const file of declarationFiles(typesDir)) {
    if (file.startsWith(vendor + sep)) continue;
    const text = readFileSync(file, "utf8");
    let to = relative(dirname(file), join(vendor, "mini", "index.js"))
      .split(sep)
      .join("/");
    if (!to.startsWith(".")) to = `./${to}`;
    const rewritten = text.replace(ZOD_MINI, `$1${to}$1`);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
  return seen.size;
}

function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith(".d.ts") ? [path] : [];
  });
}
