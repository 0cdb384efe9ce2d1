import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { CliError } from "../_errors.js";
import { openProjectInspectDb, tableArg } from "../_inspect.js";
import { createOutput } from "../_output.js";

/** `manifest inspect remove <kind> <name>`. */
export const inspectRemoveCommand = defineCommand({
  meta: { name: "remove", description: "Remove a registered integration, service or asset by name" },
  args: {
    table: { type: "positional", required: true, description: "service, integration or asset" },
    name: { type: "positional", required: true, description: "Its name" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const kind = await tableArg(args.table);
    const db = await openProjectInspectDb("manifest inspect remove");
    try {
      if (!db.remove(kind, args.name)) {
        throw new CliError(
          `No ${kind.slice(0, -1)} named "${args.name}" is registered.`,
          "E_NOT_FOUND",
          "`manifest inspect list` shows what is.",
        );
      }
    } finally {
      db.close();
    }
    out.document({ ok: true, kind, name: args.name, removed: true });
    out.line(`Removed ${kind.slice(0, -1)} ${args.name}.`);
    return 0;
  },
});
