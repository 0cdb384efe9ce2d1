import { join } from "node:path";
import { defineCommand } from "citty";
import { ensureBusDirs } from "../../bus/secure-fs.js";
import { jsonArg } from "../_args.js";
import { CliError, EXIT } from "../_errors.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";
import { nearest } from "../_suggest.js";
import { hookPurpose } from "../hooks/block.js";
import { requireHooks } from "../hooks/git.js";
import { GIT_CLIENT_HOOKS, hookSpecs, unknownHookNames } from "../hooks/roles.js";
import { applyHookPlan, currentBlockContext, hooksWithBlock, planInstall, removeHookBlock } from "../hooks/state.js";

/** One hook file install touched (or found current). */
interface HookChange {
  hook: string;
  action: "create" | "insert" | "update" | "unchanged" | "removed" | "deleted";
  path: string;
  /** What the block does there, in words. */
  purpose: string;
}

const VERB: Record<HookChange["action"], string> = {
  create: "created",
  insert: "added Spark's block above your hook's own code",
  update: "updated Spark's block",
  unchanged: "already installed",
  removed: "removed Spark's block: no check uses this hook any more",
  deleted: "deleted: no check uses this hook any more",
};

/** `manifest hooks install`. */
export const hooksInstallCommand = defineCommand({
  meta: {
    name: "install",
    description: "Add Spark's block to the git hooks (where git really runs them); your hooks keep running",
  },
  args: { ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const { root, config, paths } = projectConfig();
    const unknown = unknownHookNames(config.hooks)[0];
    if (unknown !== undefined) {
      const guess = nearest(unknown, GIT_CLIENT_HOOKS);
      throw new CliError(
        `config/spark.ts: hooks["${unknown}"] is not a hook git runs in a clone${guess ? ` (did you mean "${guess}"?)` : ""}.`,
        "E_CONFIG",
        "Use a client-side hook name such as pre-commit or pre-push (see `man githooks`).",
        EXIT.config,
      );
    }
    const location = await requireHooks(root);
    const specs = hookSpecs(config.hooks);
    const changes: HookChange[] = [];
    const skipped: { hook: string; problem: string; next: string }[] = [];
    for (const p of planInstall(location.hooksDir, specs, currentBlockContext(location.prefix))) {
      if (p.plan.action === "skip") {
        skipped.push({ hook: p.spec.name, problem: p.plan.problem, next: p.plan.next });
        continue;
      }
      applyHookPlan(p);
      changes.push({ hook: p.spec.name, action: p.plan.action, path: p.path, purpose: hookPurpose(p.spec) });
    }
    const wanted = new Set(specs.map((s) => s.name));
    for (const hook of hooksWithBlock(location.hooksDir).filter((n) => !wanted.has(n))) {
      const path = join(location.hooksDir, hook);
      const removal = removeHookBlock(path);
      if (removal.action === "skip") skipped.push({ hook, problem: removal.problem, next: removal.next });
      else if (removal.action !== "none") {
        changes.push({ hook, action: removal.action === "delete" ? "deleted" : "removed", path, purpose: "" });
      }
    }
    // The hooks act only in a project that has its bus folder (see runHook).
    ensureBusDirs(paths);

    out.document({ ok: skipped.length === 0, hooksDir: location.hooksDir, changes, skipped });
    const { green, red, dim, bold } = out.style;
    out.line(`${bold("Git hooks")} in ${location.hooksDir}`);
    for (const c of changes) {
      const mark =
        c.action === "unchanged" ? dim("=") : green(c.action === "removed" || c.action === "deleted" ? "-" : "+");
      out.line(`  ${mark} ${c.hook.padEnd(14)} ${VERB[c.action]}${c.purpose ? dim(` (${c.purpose})`) : ""}`);
    }
    for (const s of skipped)
      out.line(`  ${red("✖")} ${s.hook.padEnd(14)} skipped: ${s.problem}\n      next: ${s.next}`);
    return skipped.length === 0 ? EXIT.ok : EXIT.failure;
  },
});
