import { chmodSync, closeSync, lstatSync, openSync } from "node:fs";
import { join } from "node:path";
import type { BusPaths } from "../../bus/paths.js";
import { ensurePrivateDir, FILE_MODE } from "../../bus/secure-fs.js";
import {
  INSPECT_COLUMNS,
  INSPECT_KINDS,
  INSPECT_SCHEMA,
  type InspectDocument,
  type InspectInput,
  type InspectKind,
  type InspectRow,
  showRow,
} from "./rows.js";

/** The part of a SQLite driver we use: better-sqlite3 on Node, bun:sqlite under Bun (same shape). */
interface SqlStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint };
}
interface SqlDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqlStatement;
  close(): void;
}

/** Waits this long for another writer (the CLI, the bridge, a person's sqlite3) before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** `.spark/inspect.db`. */
export function inspectDbPath(paths: Pick<BusPaths, "spark">): string {
  return join(paths.spark, "inspect.db");
}

/** An open inspect database. */
export interface InspectDb {
  readonly path: string;
  /** Every row of the three tables, by name. */
  list(): InspectDocument;
  /** Adds a row, or updates the one with that name (the fields given; the rest are kept). */
  upsert<K extends InspectKind>(kind: K, input: InspectInput<K>): InspectRow;
  /** Removes a row by name; false when there was none. */
  remove(kind: InspectKind, name: string): boolean;
  close(): void;
}

/**
 * Opens (and creates) the inspect database: the file made 0600 before SQLite touches it (its
 * WAL files take its mode), write-ahead logging so readers never wait for a writer, and a
 * busy timeout so two writers take turns instead of failing.
 */
export async function openInspectDb(paths: Pick<BusPaths, "spark">): Promise<InspectDb> {
  ensurePrivateDir(paths.spark);
  const path = inspectDbPath(paths);
  createPrivate(path);
  const db = await openDriver(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(INSPECT_SCHEMA);
  } catch (error) {
    db.close();
    throw error;
  }
  const byName = (kind: InspectKind, name: string) =>
    db.prepare(`SELECT * FROM ${kind} WHERE name = ?`).all(name)[0] as Record<string, unknown> | undefined;

  return {
    path,
    list() {
      const out = {} as InspectDocument;
      for (const kind of INSPECT_KINDS) {
        out[kind] = (db.prepare(`SELECT * FROM ${kind} ORDER BY name`).all() as Record<string, unknown>[]).map(showRow);
      }
      return out;
    },
    upsert(kind, input) {
      const given = INSPECT_COLUMNS[kind].filter((c) => (input as Record<string, unknown>)[c] !== undefined);
      const values = given.map((c) => {
        const v = (input as Record<string, unknown>)[c];
        return c === "secrets" ? JSON.stringify(v) : v;
      });
      const now = new Date().toISOString();
      // Kind names come from INSPECT_KINDS and columns from INSPECT_COLUMNS: no input reaches the SQL text.
      const cols = ["name", ...given, "created_at", "updated_at"];
      const updates = [...given, "updated_at"].map((c) => `${c} = excluded.${c}`).join(", ");
      db.prepare(
        `INSERT INTO ${kind} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) ON CONFLICT(name) DO UPDATE SET ${updates}`,
      ).run(input.name, ...values, now, now);
      return showRow(byName(kind, input.name) ?? {});
    },
    remove(kind, name) {
      return Number(db.prepare(`DELETE FROM ${kind} WHERE name = ?`).run(name).changes) > 0;
    },
    close: () => db.close(),
  };
}

/** Creates the file 0600 if missing; tightens one that is looser (a symlink is refused). */
function createPrivate(path: string): void {
  closeSync(openSync(path, "a", FILE_MODE));
  const stat = lstatSync(path);
  if (!stat.isFile()) throw new Error(`${path} is not a regular file: move it away and try again.`);
  if ((stat.mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
}

async function openDriver(path: string): Promise<SqlDatabase> {
  if (process.versions.bun) {
    // better-sqlite3 is a Node addon that Bun cannot load; Bun has the same API built in.
    const bunSqlite = "bun:sqlite";
    const { Database } = (await import(bunSqlite)) as { Database: new (path: string) => SqlDatabase };
    return new Database(path);
  }
  const { default: Database } = (await import("better-sqlite3")) as {
    default: new (path: string, options?: { timeout?: number }) => SqlDatabase;
  };
  return new Database(path, { timeout: BUSY_TIMEOUT_MS });
}
