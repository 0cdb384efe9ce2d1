import type { Framework } from "./framework.js";

/**
 * Adding a framework's one line to the app's source (pure), for `spark init --yes`. It only
 * writes where the place is plain to see (the statement that makes the app, its `listen` or
 * export); anything else is left to the user, with the line to add.
 */

export type Wiring = { ok: true; content: string; line: number } | { ok: false; problem: string };

const IMPORT_START = /^import[\s{*"']/;
const IMPORT_END = /(?:from\s*["'][^"']+["']|^import\s*["'][^"']+["'])\s*;?\s*$/;

/** Adds the integration to a file that makes the framework's app. */
export function wireApp(framework: Framework, content: string, kind: "esm" | "cjs"): Wiring {
  const creation = framework.creation?.exec(content);
  if (!framework.creation || !creation) {
    return { ok: false, problem: `no \`const app = …\` that makes the ${framework.name} app` };
  }
  const app = creation[1] as string;
  const eol = content.includes("\r\n") ? "\r\n" : "\n";
  const lines = content.split(/\r?\n/);
  const createdAt = lineOf(content, creation.index);
  const at = framework.id === "express" ? expressSpot(lines, app, createdAt) : statementEnd(lines, createdAt) + 1;
  if (at === undefined) {
    return { ok: false, problem: `no \`${app}.listen(…)\` or export of ${app} to put the line before` };
  }
  const indent = /^\s*/.exec(lines[createdAt] ?? "")?.[0] ?? "";
  const wiring = [`${indent}${framework.use(app)}`];
  if (kind === "cjs") wiring.unshift(`${indent}${framework.imports.cjs}`);
  lines.splice(at, 0, ...wiring);
  let useLine = at + wiring.length;
  if (kind === "esm") {
    const importAt = afterImports(lines);
    lines.splice(importAt, 0, framework.imports.esm);
    if (importAt <= at) useLine++;
  }
  return { ok: true, content: lines.join(eol), line: useLine };
}

/** Adds Next's hook to `instrumentation.ts`, made or kept (undefined: no such file yet). */
export function wireNext(framework: Framework, existing: string | undefined): Wiring {
  const line = framework.use("");
  if (existing === undefined) return { ok: true, content: `${line}\n`, line: 1 };
  if (/\bonRequestError\b/.test(existing)) {
    return {
      ok: false,
      problem:
        "it has its own onRequestError: call Spark's from it " +
        '(`import { onRequestError as sparkOnRequestError } from "manifest-spark/next"`)',
    };
  }
  const body = existing === "" || existing.endsWith("\n") ? existing : `${existing}\n`;
  return { ok: true, content: `${body}${line}\n`, line: body.split("\n").length };
}

/** The 0-based line holding `index`. */
function lineOf(content: string, index: number): number {
  return content.slice(0, index).split("\n").length - 1;
}

/** The last line of the statement that starts on `start` (its parentheses balanced). */
function statementEnd(lines: string[], start: number): number {
  let depth = 0;
  let opened = false;
  for (let i = start; i < lines.length; i++) {
    for (const ch of lines[i] ?? "") {
      if (ch === "(" || ch === "{" || ch === "[") {
        depth++;
        opened = true;
      } else if (ch === ")" || ch === "}" || ch === "]") depth--;
    }
    if (opened && depth <= 0) return i;
  }
  return start;
}

/**
 * Express's error handler goes after the routes and before the app's own error handler (one
 * written inline with four parameters), else before the `listen` or the export of the app.
 */
function expressSpot(lines: string[], app: string, createdAt: number): number | undefined {
  const name = app.replace(/\$/g, "\\$");
  const ownHandler = new RegExp(
    String.raw`^\s*${name}\.use\(\s*(?:async\s+)?(?:function\s*[\w$]*\s*)?\(\s*[\w$]+\s*,\s*[\w$]+\s*,\s*[\w$]+\s*,\s*[\w$]+\s*\)`,
  );
  const end = new RegExp(
    String.raw`^\s*(?:(?:const|let|var)\s+[\w$]+\s*=\s*)?${name}\.listen\(|^export\s+default\s+${name}\b|^module\.exports\s*=\s*${name}\b`,
  );
  for (let i = createdAt + 1; i < lines.length; i++) {
    if (ownHandler.test(lines[i] ?? "") || end.test(lines[i] ?? "")) return i;
  }
  return undefined;
}

/** The line after the last import at the top of the file (0 when there is none). */
function afterImports(lines: string[]): number {
  let after = 0;
  let inImport = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (inImport) {
      if (IMPORT_END.test(line)) {
        inImport = false;
        after = i + 1;
      }
      continue;
    }
    if (IMPORT_START.test(line)) {
      if (IMPORT_END.test(line)) after = i + 1;
      else inImport = true;
    } else if (line.trim() !== "" && !/^\s*(?:\/\/|\/\*|\*|#!|["']use )/.test(line) && after > 0) {
      break;
    }
  }
  return after === 0 && lines[0]?.startsWith("#!") ? 1 : after;
}
