import { defineCommand } from "citty";
import { describeIssues } from "../../bus/zod-issues.js";
import { jsonArg } from "../_args.js";
import { usageError } from "../_errors.js";
import { openProjectInspectDb, tableArg } from "../_inspect.js";
import { createOutput } from "../_output.js";

/** Options that become columns (`--secrets` is a comma list of names). */
const COLUMN_ARGS = {
  description: { type: "string", description: "What it is, in a sentence" },
  provider: { type: "string", description: "integration: who provides it (stripe, postgres, …)" },
  secrets: { type: "string", description: "integration/service: names of its secrets' variables, comma-separated" },
  url: { type: "string", description: "integration/service: where to reach or manage it" },
  kind: { type: "string", description: "service/asset: web, worker, database… / file, directory, bucket…" },
  command: { type: "string", description: "service: the command that starts it" },
  port: { type: "string", description: "service: the port it listens on" },
  location: { type: "string", description: "asset: a path or URL" },
} as const;

/** `manifest inspect add <kind> <name> [--column value …]`: adds a row or updates the one with that name. */
export const inspectAddCommand = defineCommand({
  meta: {
    name: "add",
    description: "Register an integration, service or asset (or update the one with that name); no SQL needed",
  },
  args: {
    table: { type: "positional", required: true, description: "service, integration or asset" },
    name: { type: "positional", required: true, description: "Its name (unique per kind)" },
    ...COLUMN_ARGS,
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const kind = await tableArg(args.table);
    const { inspectInputSchemas, INSPECT_COLUMNS } = await import("../../sidecar/inspect/rows.js");
    const input: Record<string, unknown> = { name: args.name };
    for (const key of Object.keys(COLUMN_ARGS) as Array<keyof typeof COLUMN_ARGS>) {
      const value = args[key];
      if (value === undefined || value === "") continue;
      if (!INSPECT_COLUMNS[kind].includes(key)) {
        const allowed = ["description", ...INSPECT_COLUMNS[kind].filter((c) => c !== "description")];
        throw usageError(
          `--${key} is not something ${kind} have.`,
          `${kind} take ${allowed.map((c) => `--${c}`).join(", ")}.`,
        );
      }
      input[key] =
        key === "secrets"
          ? value
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : key === "port"
            ? Number(value)
            : value;
    }
    const parsed = inspectInputSchemas[kind].safeParse(input);
    if (!parsed.success) {
      throw usageError(
        `Cannot register ${kind.slice(0, -1)} "${args.name}": ${describeIssues(parsed.error)}.`,
        "Secrets are given by the names of their variables (STRIPE_KEY), never their values.",
      );
    }
    const db = await openProjectInspectDb("manifest inspect add");
    let row: Record<string, unknown>;
    try {
      row = db.upsert(kind, parsed.data as never);
    } finally {
      db.close();
    }
    out.document({ ok: true, kind, row });
    out.line(
      `${out.style.green("✔")} ${kind.slice(0, -1)} ${String(row.name)} registered (manifest inspect list shows it).`,
    );
    return 0;
  },
});
