import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { createOutput } from "../_output.js";
import { projectRoot } from "../_project.js";
import { runHook } from "../hooks/run-hook.js";

/** `manifest hooks run <hook> [--checks] -- <git's arguments>`: what an installed hook calls. */
export const hooksRunCommand = defineCommand({
  meta: {
    name: "run",
    description: "Spark's part of a git hook (the installed hooks call it): rebase pause, config checks",
  },
  args: {
    hook: { type: "positional", required: true, description: "The git hook, e.g. pre-push" },
    checks: { type: "boolean", description: "Also run the checks listed under hooks.<hook> in config/spark.ts" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const hook = String(args.hook);
    // Positionals are the hook name, then git's own arguments (after `--`).
    const hookArgs = args._.slice(1).map(String);
    const gitPid = Number(process.env.SPARK_GIT_PID);
    const code = await runHook({
      hook,
      args: hookArgs,
      checks: Boolean(args.checks),
      root: projectRoot(),
      gitPid: Number.isInteger(gitPid) && gitPid > 0 ? gitPid : undefined,
      say: (line) => out.note(line),
    });
    out.document({ ok: code === 0, hook, exitCode: code });
    return code;
  },
});
