import { join } from "node:path";
import * as z from "zod/mini";
import type { BusPaths } from "./paths.js";
import { ensurePrivateDir, readJsonRecord, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";

/**
 * `.spark/app.json`: the port the app listens on, for the bridge's reverse proxy. A person (or
 * a client of the bridge) sets it with `POST /starter/config` (`source: "api"`); the starter
 * extension sets it when a dev server started by the agent answers on a port it printed
 * (`source: "detected"`). A port someone chose is never replaced by a detected one.
 */

/** Who set the port. */
export const APP_PORT_SOURCES = ["api", "detected"] as const;
export type AppPortSource = (typeof APP_PORT_SOURCES)[number];

const appPortSchema = z.looseObject({
  port: z.int().check(z.gte(1), z.lte(65535)),
  source: z.enum(APP_PORT_SOURCES),
  at: z.iso.datetime({ offset: true }),
  by: z.string(),
  /** The line of output it was detected from. */
  hint: z.optional(z.string()),
});

/** The body of `.spark/app.json`. */
export type AppPortRecord = z.output<typeof appPortSchema>;

/** Where the record lives. */
export function appPortFile(paths: Pick<BusPaths, "spark">): string {
  return join(paths.spark, "app.json");
}

/** The record, or undefined when there is none or it does not read (the proxy then has no port). */
export function readAppPort(paths: Pick<BusPaths, "spark">): AppPortRecord | undefined {
  return readJsonRecord(appPortFile(paths), appPortSchema);
}

/**
 * Writes the port. A detection does not replace a port set through the API: returns false
 * then, and true when the record was written.
 */
export function writeAppPort(
  paths: Pick<BusPaths, "spark">,
  input: { port: number; source: AppPortSource; by: string; hint?: string | undefined; now?: number },
): boolean {
  if (input.source === "detected" && readAppPort(paths)?.source === "api") return false;
  const record: AppPortRecord = {
    port: input.port,
    source: input.source,
    at: new Date(input.now ?? Date.now()).toISOString(),
    by: input.by,
    ...(input.hint ? { hint: input.hint.slice(0, 200) } : {}),
  };
  appPortSchema.parse(record);
  ensurePrivateDir(paths.spark);
  writeFileAtomic(appPortFile(paths), `${JSON.stringify(record, null, 2)}\n`);
  return true;
}

/** Forgets the port (the proxy then shows its placeholder, or a detection sets a new one). */
export function clearAppPort(paths: Pick<BusPaths, "spark">): boolean {
  return unlinkIfExists(appPortFile(paths));
}
