import type { InspectDb } from "../sidecar/inspect/db.js";
import type { InspectKind } from "../sidecar/inspect/rows.js";
import { CliError, usageError } from "./_errors.js";
import { projectConfig } from "./_project.js";
import { ensureTools } from "./_tools.js";

/** Opens the project's inspect database for `command` (better-sqlite3 is an optional tool). */
export async function openProjectInspectDb(command: string): Promise<InspectDb> {
  ensureTools(command, ["inspect"]);
  const { paths } = projectConfig();
  const { inspectDbPath, openInspectDb } = await import("../sidecar/inspect/db.js");
  try {
    return await openInspectDb(paths);
  } catch (error) {
    // A damaged or foreign file is the user's to look at: said plainly, and left where it is.
    const code = (error as { code?: unknown }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
      const path = inspectDbPath(paths);
      throw new CliError(
        `${path} is not a readable SQLite database (${(error as Error).message}).`,
        "E_INSPECT_DB",
        `Move it aside (mv ${path} ${path}.bad) and run the command again: a new, empty one is made.`,
      );
    }
    throw error;
  }
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
