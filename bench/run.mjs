#!/usr/bin/env node
// Runs the benchmarks in bench/*.bench.mjs and prints every figure beside its floor (the
// same work done the bare way, measured in the same run) and the ratio between them.
//
//   npm run bench                     all modules, human table
//   npm run bench -- emit storm       only modules whose name matches a filter
//   npm run bench -- --json           only a JSON array of results on stdout
//   npm run bench -- --quick          fewer samples (smoke test; figures are noisier)
//
// Each module runs in its own node process (with --expose-gc): the spark emitter keeps
// per-process state, and one module's heap must not show up in another's memory figures.
// A missed target is reported, not fatal; the exit code is non-zero only on errors.
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { cleanupTempDirs, forkChild, nextMessage, REPO_ROOT } from "./_lib.mjs";

const BENCH_DIR = join(REPO_ROOT, "bench");
const SELF = join(BENCH_DIR, "run.mjs");
const MODULE_TIMEOUT_MS = 10 * 60_000;

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith("--")));
const childIndex = argv.indexOf("--module");

if (childIndex !== -1) {
  await runChild(argv[childIndex + 1]);
} else {
  process.exitCode = await main();
}

async function main() {
  if (flags.has("--help")) {
    process.stdout.write(
      "usage: npm run bench -- [--json] [--quick] [--in-process] [filter …]\n" +
        "  filter: run only bench modules whose name or file contains it\n",
    );
    return 0;
  }
  const unknown = [...flags].filter((f) => !["--json", "--quick", "--in-process"].includes(f));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown option ${unknown.join(", ")}. Run \`npm run bench -- --help\`.\n`);
    return 2;
  }
  if (!existsSync(join(REPO_ROOT, "dist", "bus.js")) || !existsSync(join(REPO_ROOT, "dist", "index.js"))) {
    process.stderr.write("bench: dist/ is missing. Run `npm run build` first (or use `npm run bench`).\n");
    return 2;
  }
  const filters = argv.filter((a) => !a.startsWith("--"));
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(".bench.mjs"))
    .sort();
  const modules = files.map((file) => ({ file, name: basename(file, ".bench.mjs") }));
  const selected =
    filters.length === 0 ? modules : modules.filter((m) => filters.some((f) => m.file.includes(f) || m.name === f));
  if (selected.length === 0) {
    process.stderr.write(
      `bench: no module matches ${filters.join(", ")}. Modules: ${modules.map((m) => m.name).join(", ")}.\n`,
    );
    return 2;
  }

  const rows = [];
  const errors = [];
  for (const m of selected) {
    const started = performance.now();
    log(`▶ ${m.name}`);
    try {
      const results = flags.has("--in-process") ? await runInProcess(m.file) : await runForked(m.file);
      for (const r of results) rows.push(checkTarget({ module: m.name, ...r }));
      log(`✔ ${m.name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      errors.push({ module: m.name, error });
      log(`✘ ${m.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  if (flags.has("--json")) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable(rows)}\n`);
    const missed = rows.filter((r) => r.pass === false);
    if (missed.length > 0) process.stdout.write(`\n${missed.length} figure(s) missed their target (not an error).\n`);
  }
  if (errors.length > 0) {
    process.stderr.write(`\nbench: ${errors.length} module(s) failed: ${errors.map((e) => e.module).join(", ")}\n`);
    return 1;
  }
  return 0;
}

/** Runs one module in a child node process and collects its results over IPC. */
async function runForked(file) {
  const args = ["--module", file, ...[...flags].filter((f) => f === "--quick")];
  const { child, exited } = forkChild(SELF, args, { execArgv: ["--expose-gc"] });
  let reply;
  try {
    reply = await nextMessage(
      child,
      (msg) => msg && (msg.kind === "results" || msg.kind === "error"),
      MODULE_TIMEOUT_MS,
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  if (reply.kind === "error") {
    child.kill("SIGKILL");
    const error = new Error(reply.message.split("\n")[0]);
    error.stack = reply.message; // the child's own stack, not this process's
    throw error;
  }
  const { code, signal } = await exited;
  if (code !== 0) throw new Error(`bench process exited with ${signal ?? `code ${code}`}`);
  return reply.results;
}

/** Runs one module here (for `node --cpu-prof bench/run.mjs --in-process emit`). */
async function runInProcess(file) {
  try {
    return validate(await loadAndRun(file), file);
  } finally {
    cleanupTempDirs();
  }
}

async function runChild(file) {
  let reply;
  try {
    reply = { kind: "results", results: validate(await loadAndRun(file), file) };
  } catch (error) {
    reply = { kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  cleanupTempDirs();
  // Exit as soon as the reply is out: a module that failed half-way may leave watchers or
  // timers behind, and they must not keep this process (and the runner) waiting.
  process.send(reply, () => process.exit(reply.kind === "results" ? 0 : 1));
}

async function loadAndRun(file) {
  const mod = await import(new URL(file, `file://${BENCH_DIR}/`).href);
  if (typeof mod.run !== "function") throw new Error(`${file} must export \`async run(ctx)\``);
  const ctx = { quick: flags.has("--quick"), log, name: mod.name ?? file };
  return mod.run(ctx);
}

function validate(results, file) {
  if (!Array.isArray(results)) throw new Error(`${file}: run() must return an array of results`);
  for (const r of results) {
    if (typeof r?.name !== "string" || typeof r.value !== "number" || !Number.isFinite(r.value)) {
      throw new Error(`${file}: every result needs a name and a finite numeric value (got ${JSON.stringify(r)})`);
    }
    if (typeof r.unit !== "string") throw new Error(`${file}: result "${r.name}" needs a unit`);
    if (!("floor" in r) || !("ratio" in r)) throw new Error(`${file}: result "${r.name}" needs floor and ratio`);
  }
  return results;
}

/** Adds `pass` to a row that has a target. */
function checkTarget(row) {
  if (!row.target) return row;
  const measured = row.target.of === "ratio" ? row.ratio : row.value;
  const pass =
    measured !== null &&
    (row.target.max === undefined || measured <= row.target.max) &&
    (row.target.min === undefined || measured >= row.target.min);
  return { ...row, pass };
}

function describeTarget(target) {
  if (!target) return "";
  const what = target.of === "ratio" ? "ratio" : "value";
  const parts = [];
  if (target.max !== undefined) parts.push(`${what} ≤ ${fmt(target.max)}`);
  if (target.min !== undefined) parts.push(`${what} ≥ ${fmt(target.min)}`);
  return parts.join(", ");
}

function formatTable(rows) {
  const header = ["benchmark", "value", "floor", "ratio", "target", ""];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.floor === null || r.floor === undefined ? "–" : `${fmt(r.floor)} ${r.unit}`,
    r.ratio === null || r.ratio === undefined ? "–" : `${fmt(r.ratio)}×`,
    describeTarget(r.target),
    r.pass === undefined ? "" : r.pass ? "pass" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const right = new Set([1, 2, 3]);
  const line = (cells) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [line(header), widths.map((w) => "─".repeat(w)).join("  ")];
  let lastModule;
  for (const [i, row] of body.entries()) {
    if (lastModule !== undefined && rows[i].module !== lastModule) out.push("");
    lastModule = rows[i].module;
    out.push(line(row));
  }
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`);
  if (notes.length > 0) out.push("", "notes:", ...notes);
  return out.join("\n");
}

function fmt(n) {
  if (typeof n !== "number") return String(n);
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}

function log(message) {
  process.stderr.write(`${message}\n`);
}
