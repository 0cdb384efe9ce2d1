import { defineCommand } from "citty";
import { busPaths } from "../../bus/paths.js";
import { clearPause, readPause } from "../../bus/pause.js";
import { jsonArg } from "../_args.js";
import { createOutput } from "../_output.js";
import { projectRoot } from "../_project.js";

/** `manifest spark resume [--if-by who]`. */
export const resumeCommand = defineCommand({
  meta: { name: "resume", description: "Remove the manual pause; held events are delivered" },
  args: {
    "if-by": { type: "string", description: "Only remove a pause set by this writer (git hooks use it)" },
    ...jsonArg,
  },
  run({ args }) {
    const out = createOutput(Boolean(args.json));
    const paths = busPaths(projectRoot());
    const before = readPause(paths, Number.POSITIVE_INFINITY);
    const onlyBy = args["if-by"] || undefined;
    const removed = clearPause(paths, onlyBy ? { onlyBy } : {});
    const wasPaused = before.kind !== "none";
    out.document({
      ok: true,
      resumed: removed,
      wasPaused,
      ...(before.kind === "paused" ? { pause: before.pause } : {}),
      ...(before.kind === "unreadable" ? { problem: before.problem } : {}),
    });
    if (removed)
      out.line(
        `${out.style.green("▶")} Spark resumed${before.kind === "paused" ? ` (was paused by ${before.pause.by})` : ""}`,
      );
    else if (wasPaused && onlyBy) out.line(`Left the pause alone: it was not set by ${onlyBy}.`);
    else out.line("Spark was not paused.");
    return 0;
  },
});
