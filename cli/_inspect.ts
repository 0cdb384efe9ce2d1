import type { InspectDb } from "../sidecar/inspect/db.js";
import type { InspectKind } from "../sidecar/inspect/rows.js";
import { usageError } from "./_errors.js";
import { projectConfig } from "./_project.js";
import { ensureTools } from "./_tools.js";

/** Opens the project's inspect database for `command` (better-sqlite3 is an optional tool). */
export async function openProjectInspectDb(command: string): Promise<InspectDb> {
  ensureTools(command, ["inspect"]);
  const { paths } = projectConfig();
  const { openInspectDb } = await import("../sidecar/inspect/db.js");
  return openInspectDb(paths);
}

/** The table a word names (`service`, `services` …), or a usage error that lists them. */
export async function tableArg(word: string): Promise<InspectKind> {
  const { inspectKind } = await import("../sidecar/inspect/rows.js");
  const kind = inspectKind(word);
  if (!kind) {
    throw usageError(
      `"${word}" is not a kind the inspect database holds.`,
      "Use service, integration or asset (e.g. `manifest inspect add service api --port 3000`).",
    );
  }
  return kind;
}
