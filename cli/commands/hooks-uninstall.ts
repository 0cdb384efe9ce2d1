import { join } from "node:path";
import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { EXIT } from "../_errors.js";
import { createOutput } from "../_output.js";
import { projectRoot } from "../_project.js";
import { requireHooks } from "../hooks/git.js";
import { hooksWithBlock, removeHookBlock } from "../hooks/state.js";

/** `manifest hooks uninstall`. */
export const hooksUninstallCommand = defineCommand({
  meta: {
    name: "uninstall",
    description: "Remove Spark's block from every git hook (your own hook code stays byte for byte)",
  },
  args: { ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    // No config needed: uninstalling must work even when config/spark.ts is broken.
    const location = await requireHooks(projectRoot());
    const changes: { hook: string; action: "removed" | "deleted"; path: string }[] = [];
    const skipped: { hook: string; problem: string; next: string }[] = [];
    for (const hook of hooksWithBlock(location.hooksDir)) {
      const path = join(location.hooksDir, hook);
      const removal = removeHookBlock(path);
      if (removal.action === "skip") skipped.push({ hook, problem: removal.problem, next: removal.next });
      else if (removal.action !== "none")
        changes.push({ hook, action: removal.action === "delete" ? "deleted" : "removed", path });
    }
    out.document({ ok: skipped.length === 0, hooksDir: location.hooksDir, changes, skipped });
    const { green, red, bold } = out.style;
    if (changes.length === 0 && skipped.length === 0) out.line(`No Spark hooks in ${location.hooksDir}.`);
    else out.line(`${bold("Git hooks")} in ${location.hooksDir}`);
    for (const c of changes) {
      out.line(
        `  ${green("-")} ${c.hook.padEnd(14)} ${c.action === "deleted" ? "deleted (Spark had created it)" : "removed Spark's block; your hook is as it was"}`,
      );
    }
    for (const s of skipped)
      out.line(`  ${red("✖")} ${s.hook.padEnd(14)} skipped: ${s.problem}\n      next: ${s.next}`);
    return skipped.length === 0 ? EXIT.ok : EXIT.failure;
  },
});
