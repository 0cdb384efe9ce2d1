import { defineCommand } from "citty";
import { listEntries } from "../../bus/browse.js";
import { formatEventDetail } from "../../bus/format/detail.js";
import { readEventDetail } from "../../bus/read-detail.js";
import { jsonArg } from "../_args.js";
import { CliError } from "../_errors.js";
import { findEntry } from "../_event-find.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** `manifest spark events show <id>`. */
export const eventsShowCommand = defineCommand({
  meta: { name: "show", description: "Show one event whole (an id, a unique prefix, or the short id)" },
  args: {
    id: { type: "positional", required: true, description: "Event id, unique prefix, or short id (its last part)" },
    ...jsonArg,
  },
  run({ args }) {
    const out = createOutput(Boolean(args.json));
    const { paths } = projectConfig();
    const entry = findEntry(listEntries(paths), String(args.id));
    const detail = readEventDetail(paths, entry);
    if (!detail) {
      throw new CliError(`Event ${entry.id} moved while it was being read.`, "E_MOVED", "Run the command again.");
    }
    const { event, problem, reason, raw } = detail;
    out.document({
      ok: true,
      id: entry.id,
      state: entry.state,
      file: entry.path,
      consumer: entry.consumer ?? null,
      reason: entry.state === "rejected" ? (reason ?? "no reason note beside the file") : null,
      valid: event !== undefined,
      problem: problem ?? null,
      event: event ?? null,
      raw: raw ?? null,
    });
    if (!out.json) {
      for (const line of formatEventDetail(detail, out.style)) out.line(line);
    }
    return 0;
  },
});
