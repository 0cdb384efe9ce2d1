import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { EXIT } from "../_errors.js";
import { createOutput, type Output } from "../_output.js";
import { projectRoot } from "../_project.js";
import { buildChecks, type Check } from "../doctor/checks.js";
import { gatherDoctorFacts } from "../doctor/facts.js";

/** `manifest doctor [--fix]`. */
export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check Spark's setup in this project; every problem with its next step" },
  args: {
    fix: {
      type: "boolean",
      description: "Also repair what is safe to: dead agent files, .spark/ folder modes, a leftover rebase pause",
    },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const root = projectRoot();
    const { facts, fixed } = await gatherDoctorFacts(root, Boolean(args.fix));
    const checks = buildChecks(facts);
    const ok = !checks.some((c) => c.status === "fail");
    out.document({ ok, root, checks, fixed });
    if (!out.json) printChecks(out, root, checks, fixed);
    return ok ? EXIT.ok : EXIT.failure;
  },
});

function printChecks(out: Output, root: string, checks: Check[], fixed: string[]): void {
  const { green, yellow, red, dim, bold } = out.style;
  out.line(`${bold("Spark doctor")} ${dim(root)}`);
  for (const f of fixed) out.line(`  ${green("✔")} fixed: ${f}`);
  const width = Math.max(...checks.map((c) => c.title.length)) + 2;
  for (const c of checks) {
    const mark = c.status === "ok" ? green("✔") : c.status === "warn" ? yellow("⚠") : red("✖");
    out.line(`  ${mark} ${bold(c.title.padEnd(width))}${c.detail}`);
    for (const line of c.lines ?? []) out.line(`    ${" ".repeat(width)}${dim(line)}`);
    if (c.next) out.line(`    ${" ".repeat(width)}→ ${c.next}`);
  }
  const fails = checks.filter((c) => c.status === "fail").length;
  const warns = checks.filter((c) => c.status === "warn").length;
  out.line(
    fails > 0
      ? red(`${fails} problem(s) to fix${warns ? `, ${warns} warning(s)` : ""}.`)
      : green(`No problems${warns ? ` (${warns} warning(s))` : ""}.`),
  );
}
