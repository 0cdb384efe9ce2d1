import { defineCommand } from "citty";
import { listEntries, readRejectReason } from "../../bus/browse.js";
import { LIMITS } from "../../bus/limits.js";
import { readEventFile } from "../../bus/read-event.js";
import { readRegularFile } from "../../bus/secure-fs.js";
import { jsonArg } from "../_args.js";
import { CliError } from "../_errors.js";
import { findEntry } from "../_event-find.js";
import { formatEventDetail } from "../_event-show.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** How much of a broken file `show` prints. */
const RAW_MAX_CHARS = 16 * 1024;

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
    const read = readEventFile(entry.path, entry.name);
    if (!read.ok && read.missing) {
      throw new CliError(`Event ${entry.id} moved while it was being read.`, "E_MOVED", "Run the command again.");
    }
    const reason = entry.state === "rejected" ? readRejectReason(paths, entry.name)?.reason : undefined;
    const problem = read.ok ? undefined : read.reason;
    const raw = read.ok ? undefined : rawText(entry.path);
    out.document({
      ok: true,
      id: entry.id,
      state: entry.state,
      file: entry.path,
      consumer: entry.consumer ?? null,
      reason: entry.state === "rejected" ? (reason ?? "no reason note beside the file") : null,
      valid: read.ok,
      problem: problem ?? null,
      event: read.ok ? read.event : null,
      raw: raw ?? null,
    });
    if (!out.json) {
      for (const line of formatEventDetail(
        { entry, event: read.ok ? read.event : undefined, problem, reason, raw },
        out.style,
      )) {
        out.line(line);
      }
    }
    return 0;
  },
});

/** The start of a file that is not a valid event, as text, to see what is wrong with it. */
function rawText(path: string): string | undefined {
  const read = readRegularFile(path, LIMITS.readerMaxBytes);
  if (!read.ok) return undefined;
  const text = read.bytes.toString("utf8");
  return text.length > RAW_MAX_CHARS
    ? `${text.slice(0, RAW_MAX_CHARS)}\n… (${text.length - RAW_MAX_CHARS} more characters)`
    : text;
}
