import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { createOutput, type Output } from "../_output.js";
import { projectConfig } from "../_project.js";
import { requireHooks } from "../hooks/git.js";
import { hookSpecs } from "../hooks/roles.js";
import { currentBlockContext, type HookStatus, hooksStatus } from "../hooks/state.js";

/** `manifest hooks status`. */
export const hooksStatusCommand = defineCommand({
  meta: { name: "status", description: "Show which git hooks carry Spark's block and whether it is current" },
  args: { ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const { root, config } = projectConfig();
    const location = await requireHooks(root);
    const hooks = hooksStatus(location.hooksDir, hookSpecs(config.hooks), currentBlockContext(location.prefix));
    out.document({ ok: true, hooksDir: location.hooksDir, hooks });
    if (!out.json) printHookStatus(out, location.hooksDir, hooks);
    return 0;
  },
});

const MARK: Record<HookStatus["state"], string> = {
  installed: "✔",
  outdated: "⚠",
  missing: "✖",
  blocked: "✖",
  unneeded: "⚠",
};

/** Readable hook states, one per line, each problem with its next step. */
export function printHookStatus(out: Output, hooksDir: string, hooks: HookStatus[]): void {
  const { green, yellow, red, dim, bold } = out.style;
  out.line(`${bold("Git hooks")} in ${hooksDir}`);
  for (const h of hooks) {
    const mark =
      h.state === "installed"
        ? green(MARK[h.state])
        : h.state === "outdated" || h.state === "unneeded"
          ? yellow(MARK[h.state])
          : red(MARK[h.state]);
    const roles = h.roles.filter((r) => r !== "checks");
    const what = [...roles, ...(h.checks.length > 0 ? [`checks: ${h.checks.join(", ")}`] : [])].join(", ");
    out.line(
      `  ${mark} ${h.name.padEnd(14)} ${h.state}${what ? dim(` (${what})`) : ""}${h.chained ? dim(" · chains your hook") : ""}`,
    );
    if (h.problem) out.line(`      ${h.problem}${h.next ? `: ${h.next}` : ""}`);
    else if (h.state !== "installed" && h.next) out.line(`      ${h.next}`);
  }
}
