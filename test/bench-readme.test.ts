import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/repo.js";

// bench/README.md is where a reader learns what each benchmark figure means, what it is
// compared with and what it must stay under. This keeps it in step with the modules: every
// `result(name, value, unit, floor, …)` a module returns has its row, every row has its
// figure, and a figure without a floor (null: no ratio) says so in the README's floor column.

const BENCH = join(REPO, "bench");

interface Figure {
  module: string;
  /** The name as a pattern: template substitutions (sizes, counts) match anything. */
  pattern: RegExp;
  source: string;
  hasFloor: boolean;
}

/**
 * Every `result(…)` call of the bench modules, read with the TypeScript parser. A call in a
 * shared helper (`./_x.mjs`, such as `_http-compare.mjs`) counts for each module importing it.
 */
function figures(): Figure[] {
  const found: Figure[] = [];
  for (const file of readdirSync(BENCH).filter((f) => f.endsWith(".bench.mjs"))) {
    const module = file.replace(".bench.mjs", "");
    const source = parse(file);
    const helpers = source.statements.flatMap((s) =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      /^\.\/_.+\.mjs$/.test(s.moduleSpecifier.text)
        ? [s.moduleSpecifier.text.slice(2)]
        : [],
    );
    for (const each of [source, ...helpers.map(parse)]) found.push(...resultCalls(each, module));
  }
  return found;
}

function parse(file: string): ts.SourceFile {
  const text = readFileSync(join(BENCH, file), "utf8");
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
}

function resultCalls(source: ts.SourceFile, module: string): Figure[] {
  const found: Figure[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "result") {
      const [name, , , floor] = node.arguments;
      if (!name || !floor) throw new Error(`${source.fileName}: result() without a name or a floor: ${node.getText()}`);
      found.push({
        module,
        pattern: namePattern(name),
        source: name.getText(),
        hasFloor: floor.kind !== ts.SyntaxKind.NullKeyword,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function namePattern(node: ts.Expression): RegExp {
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return new RegExp(`^${literal(node.text)}$`);
  if (ts.isTemplateExpression(node)) {
    const parts = [literal(node.head.text), ...node.templateSpans.map((span) => `.+?${literal(span.literal.text)}`)];
    return new RegExp(`^${parts.join("")}$`);
  }
  throw new Error(`a figure name that is not a literal: ${node.getText()}`);
}

interface Row {
  name: string;
  module: string;
  floor: string;
}

/** The rows of the README's figures table. */
function readmeRows(): Row[] {
  const text = readFileSync(join(BENCH, "README.md"), "utf8");
  const table = text.slice(text.indexOf("## The figures"));
  return table
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      return { name: (cells[0] ?? "").replace(/^`|`$/g, ""), module: cells[1] ?? "", floor: cells[3] ?? "" };
    });
}

describe("bench/README.md lists every benchmark figure", () => {
  const all = figures();
  const rows = readmeRows();

  it("finds the figures and the rows at all", () => {
    expect(all.length).toBeGreaterThan(20);
    expect(rows.length).toBeGreaterThan(20);
  });

  it("has one row for each figure a module returns, under that module", () => {
    const unlisted = all.filter(
      (f) => rows.filter((r) => r.module === f.module && f.pattern.test(r.name)).length !== 1,
    );
    expect(unlisted.map((f) => `${f.module}: ${f.source}`)).toEqual([]);
  });

  it("lists no figure that no module returns", () => {
    const stray = rows.filter((r) => !all.some((f) => f.module === r.module && f.pattern.test(r.name)));
    expect(stray.map((r) => r.name)).toEqual([]);
  });

  it("shows no floor (–) exactly for the figures that have none, so none of them shows a ratio", () => {
    const mismatched = rows.filter((r) => {
      const figure = all.find((f) => f.module === r.module && f.pattern.test(r.name));
      return figure !== undefined && figure.hasFloor === (r.floor === "–");
    });
    expect(mismatched.map((r) => `${r.name}: floor "${r.floor}"`)).toEqual([]);
  });
});
