import { defineCommand } from "citty";
import { busPaths } from "../../bus/paths.js";
import { currentUser, writePause } from "../../bus/pause.js";
import { jsonArg } from "../_args.js";
import { createOutput } from "../_output.js";
import { projectRoot } from "../_project.js";

/** `manifest spark pause [reason] [--by who]`. */
export const pauseCommand = defineCommand({
  meta: { name: "pause", description: "Hold events on disk until `manifest spark resume` (sidecar backs off)" },
  args: {
    reason: { type: "positional", required: false, description: "Why (shown to every agent and in status)" },
    by: { type: "string", description: "Who pauses (default: your user name)" },
    ...jsonArg,
  },
  run({ args }) {
    const out = createOutput(Boolean(args.json));
    const paths = busPaths(projectRoot());
    const pause = writePause(paths, { by: args.by || currentUser(), reason: args.reason ?? "" });
    out.document({ ok: true, paused: true, pause });
    out.line(`${out.style.yellow("⏸")} Spark paused by ${pause.by}${pause.reason ? `: ${pause.reason}` : ""}`);
    out.line(out.style.dim("  Events wait on disk. `manifest spark resume` delivers them."));
    return 0;
  },
});
