import * as z from "zod/mini";
import { REDACTED, redactText } from "../../bus/redact.js";

/**
 * The inspect database's three tables (the Starter seeds' integrations, services and assets):
 * what a project is made of beyond its code, registered by the agent that set it up (`manifest
 * inspect add`) so that people see it on the dashboard. The seeds name the tables, not their
 * columns; these are ours (README, "The inspect database"). Secrets are listed by the names of
 * their environment variables, never their values. Pure.
 */

export const INSPECT_KINDS = ["integrations", "services", "assets"] as const;
export type InspectKind = (typeof INSPECT_KINDS)[number];

/** `service`, `services`, `Service` → `services`; undefined for anything else. */
export function inspectKind(word: string): InspectKind | undefined {
  const lower = word.toLowerCase();
  return INSPECT_KINDS.find((k) => k === lower || k === `${lower}s`);
}

/** The schema's version, kept in SQLite's `user_version` (`manifest sprite up` checks it in a Sprite). */
export const INSPECT_SCHEMA_VERSION = 1;

/** The DDL, applied on every open (idempotent). Times are ISO 8601 text in UTC. */
export const INSPECT_SCHEMA = `
CREATE TABLE IF NOT EXISTS integrations (
  name TEXT PRIMARY KEY NOT NULL,
  provider TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  secrets TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(secrets) AND json_type(secrets) = 'array'),
  url TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS services (
  name TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  command TEXT NOT NULL DEFAULT '',
  port INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
  url TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  secrets TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(secrets) AND json_type(secrets) = 'array'),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS assets (
  name TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
PRAGMA user_version = ${INSPECT_SCHEMA_VERSION};
`;

/** The name of an environment variable (or a secret manager's key), not a value. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

const text = (max: number) => z.string().check(z.maxLength(max));
const name = z.string().check(z.regex(/^[^\s/][^\n\r\t]{0,127}$/), z.trim());
const secretNames = z.array(
  z.string().check(
    z.regex(SECRET_NAME),
    z.refine((s) => redactText(s) === s, { message: "looks like a secret's value: give the variable's name" }),
  ),
);

/** What `add` accepts for each kind (every field but the name optional). */
export const inspectInputSchemas = {
  integrations: z.strictObject({
    name,
    provider: z.optional(text(100)),
    description: z.optional(text(2000)),
    secrets: z.optional(secretNames),
    url: z.optional(text(2000)),
  }),
  services: z.strictObject({
    name,
    kind: z.optional(text(100)),
    command: z.optional(text(2000)),
    port: z.optional(z.nullable(z.int().check(z.gte(1), z.lte(65535)))),
    url: z.optional(text(2000)),
    description: z.optional(text(2000)),
    secrets: z.optional(secretNames),
  }),
  assets: z.strictObject({
    name,
    kind: z.optional(text(100)),
    location: z.optional(text(2000)),
    description: z.optional(text(2000)),
  }),
} as const;

export type InspectInput<K extends InspectKind> = z.output<(typeof inspectInputSchemas)[K]>;

/** The columns of each table, in order (after `name`); `secrets` is a JSON array. */
export const INSPECT_COLUMNS: Record<InspectKind, readonly string[]> = {
  integrations: ["provider", "description", "secrets", "url"],
  services: ["kind", "command", "port", "url", "description", "secrets"],
  assets: ["kind", "location", "description"],
};

/** One row as the API and `manifest inspect list --json` show it. */
export type InspectRow = Record<string, string | number | null | string[]>;

/** Everything in the database, by table. */
export type InspectDocument = Record<InspectKind, InspectRow[]>;

/**
 * A stored row as it may be shown: snake_case to camelCase, `secrets` parsed, and anything
 * that looks like a secret's value replaced, whoever wrote the row (SQL written by hand
 * included).
 */
export function showRow(raw: Record<string, unknown>): InspectRow {
  const out: InspectRow = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (key === "secrets") out[field] = secretList(value);
    else if (typeof value === "string") out[field] = redactText(value);
    else if (typeof value === "number" || value === null) out[field] = value;
    else out[field] = String(value);
  }
  return out;
}

function secretList(value: unknown): string[] {
  let list: unknown;
  try {
    list = typeof value === "string" ? JSON.parse(value) : value;
  } catch {
    return [REDACTED];
  }
  if (!Array.isArray(list)) return [REDACTED];
  return list.map((s) => (typeof s === "string" && SECRET_NAME.test(s) && redactText(s) === s ? s : REDACTED));
}
