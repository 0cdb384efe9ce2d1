import { join } from "node:path";
import { defineCommand } from "citty";
import { emitEvent, writerContext } from "../../bus/emit.js";
import { EVENT_TYPE_PATTERN } from "../../bus/event-name.js";
import { jsonArg } from "../_args.js";
import { usageError } from "../_errors.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** `manifest spark emit <type> [--message …]`: a test event, for trying the setup. */
export const emitCommand = defineCommand({
  meta: { name: "emit", description: "Write a test event to the bus (try your setup end to end)" },
  args: {
    type: { type: "positional", required: true, description: "Event type, e.g. server-error, notification" },
    message: {
      type: "string",
      description: "Error or notification message",
      default: "Test event from `manifest spark emit`",
    },
    feature: { type: "string", description: "Feature name (server errors)" },
    route: { type: "string", description: "Route, e.g. 'POST /users' (server errors)" },
    ...jsonArg,
  },
  run({ args }) {
    const out = createOutput(Boolean(args.json));
    const type = String(args.type);
    if (!EVENT_TYPE_PATTERN.test(type)) {
      throw usageError(
        `"${type}" is not an event type.`,
        "Use lower-case kebab-case, e.g. server-error or deploy-done.",
      );
    }
    const { paths, config } = projectConfig();
    const isError = type.endsWith("-error");
    const event = emitEvent(
      paths,
      {
        type,
        ...(isError ? { error: { name: "SparkTestError", message: args.message } } : { message: args.message }),
        ...(args.feature ? { feature: args.feature } : {}),
        ...(args.route ? { route: args.route } : {}),
        ...(type === "server-error" ? { status: 500 } : {}),
        ...(type === "process-error" ? { command: "manifest spark emit", exitCode: 1 } : {}),
        test: true,
      },
      writerContext(config, "manifest"),
    );
    const file = join(paths.events, `${event.id}.json`);
    out.document({ ok: true, id: event.id, type, file });
    out.line(`${out.style.green("✔")} wrote ${type} event ${out.style.dim(event.id)}`);
    return 0;
  },
});
