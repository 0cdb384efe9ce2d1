import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { CliError } from "../_errors.js";
import { createOutput, type Output } from "../_output.js";
import { needsTrust, piPackageOf, readPiTrust, trustAdvice } from "../_pi-trust.js";
import { initRoot, projectPathsLenient } from "../_project.js";
import { findPi } from "../doctor/facts.js";
import { applyInit, gatherInitFacts } from "../init/files.js";
import { type InitChange, type InitNote, planInit } from "../init/plan.js";

/** `manifest spark init [--dry-run] [--no-entry] [--entry-file <file>] [--yes]`. */
export const initCommand = defineCommand({
  meta: {
    name: "init",
    description: "Set Spark up in this project: config, Pi settings and skills, process hooks, .spark/",
  },
  args: {
    "dry-run": { type: "boolean", description: "Print what would change and change nothing" },
    entry: {
      type: "boolean",
      default: true,
      description: "Add the process hooks import to the app's entry file",
      negativeDescription: "Leave the app's entry file alone",
    },
    "entry-file": { type: "string", description: "The app's entry file, when Spark does not find it" },
    yes: {
      type: "boolean",
      alias: "y",
      description: "Also add the line your framework's integration needs (Express, Fastify, Hono, Koa, Next)",
    },
    ...jsonArg,
  },
  run({ args }) {
    const out = createOutput(Boolean(args.json));
    const dryRun = Boolean(args["dry-run"]);
    const root = initRoot();
    const { paths } = projectPathsLenient(root);
    const facts = gatherInitFacts(
      root,
      paths,
      { enabled: args.entry !== false, file: args["entry-file"] || undefined },
      Boolean(args.yes),
    );
    const plan = planInit(facts);
    if (!plan.ok) throw new CliError(plan.problem, "E_PI_SETTINGS", plan.next);
    if (!dryRun) applyInit(root, paths, plan.changes);
    const notes = [...plan.notes, ...trustNotes(root)];
    out.document({
      ok: true,
      root,
      dryRun,
      changed: !dryRun && plan.changes.length > 0,
      changes: plan.changes.map(({ path, action, summary }) => ({ path, action, summary })),
      notes,
    });
    if (!out.json) printPlan(out, root, dryRun, plan.changes, notes);
    return 0;
  },
});

/** With Pi 1.x, Spark loads from .pi/settings.json only in a trusted project: say so, and how. */
function trustNotes(root: string): InitNote[] {
  const bin = findPi(root);
  const pi = bin ? piPackageOf(bin) : undefined;
  if (!pi || !needsTrust(pi.version)) return [];
  const advice = trustAdvice(readPiTrust(root), pi.version);
  return advice ? [{ level: "warn", message: advice.message, next: advice.next }] : [];
}

function printPlan(out: Output, root: string, dryRun: boolean, changes: InitChange[], notes: InitNote[]): void {
  const { green, yellow, dim, bold } = out.style;
  if (changes.length === 0) out.line(`${green("✔")} Nothing to change: Spark is set up in ${root}.`);
  else out.line(bold(dryRun ? `Spark init would change, in ${root}:` : `Spark init changed, in ${root}:`));
  for (const c of changes) {
    const mark = c.action === "update" ? yellow("~") : green("+");
    out.line(`  ${mark} ${c.path}: ${c.summary}`);
  }
  for (const n of notes) {
    out.line(`  ${n.level === "warn" ? yellow("⚠") : dim("i")} ${n.message}`);
    if (n.next) out.line(dim(`    ${n.next}`));
  }
  if (dryRun && changes.length > 0) out.line(dim("Nothing was written (--dry-run)."));
  else if (!dryRun && changes.length > 0) {
    out.line(dim("Next: `manifest hooks install` (pause during rebases, checks), `manifest doctor` (check it all)."));
  }
}
