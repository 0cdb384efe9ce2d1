import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { openProjectInspectDb } from "../_inspect.js";
import { createOutput } from "../_output.js";

/** `manifest inspect list [--json]`. */
export const inspectListCommand = defineCommand({
  meta: { name: "list", description: "List the integrations, services and assets registered in this project" },
  args: { ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const db = await openProjectInspectDb("manifest inspect list");
    try {
      const doc = db.list();
      out.document({ ok: true, ...doc });
      for (const [kind, rows] of Object.entries(doc)) {
        out.line(out.style.bold(`${kind} (${rows.length})`));
        if (rows.length === 0) out.line(out.style.dim("  none"));
        for (const row of rows) out.line(`  ${row.name}${describe(row)}`);
      }
      if (Object.values(doc).every((rows) => rows.length === 0)) {
        out.line(out.style.dim("  `manifest inspect add service api --port 3000` registers one."));
      }
    } finally {
      db.close();
    }
    return 0;
  },
});

function describe(row: Record<string, unknown>): string {
  const parts = ["provider", "kind", "port", "command", "url", "location"]
    .filter((k) => row[k] !== undefined && row[k] !== null && row[k] !== "")
    .map((k) => `${k} ${String(row[k])}`);
  const secrets = Array.isArray(row.secrets) && row.secrets.length > 0 ? [`secrets ${row.secrets.join(", ")}`] : [];
  const all = [...parts, ...secrets];
  return all.length > 0 ? `  (${all.join("; ")})` : "";
}
