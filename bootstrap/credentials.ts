import { chmodSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ensurePrivateDir, FILE_MODE, isErrno, writeFileAtomic } from "../bus/secure-fs.js";

/** Where a Sprites client gets its token and API address. */
export interface Credentials {
  token: string;
  /** Where the token came from, for messages: never the token itself. */
  source: "SPRITES_TOKEN" | "login";
  /** `SPRITES_API_URL`, or undefined for the SDK's default. */
  baseURL: string | undefined;
}

/** `$XDG_CONFIG_HOME/manifest/` (default `~/.config/manifest/`). Pure given `env`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".config");
  return join(base, "manifest");
}

/** The file `manifest sprite login` keeps the token in (0600, in a 0700 folder). */
export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "sprites-token");
}

/** The token and base URL: `SPRITES_TOKEN` first, then the saved login; undefined when neither. */
export function loadCredentials(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const baseURL = env.SPRITES_API_URL?.trim() || undefined;
  const fromEnv = env.SPRITES_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: "SPRITES_TOKEN", baseURL };
  try {
    const saved = readFileSync(tokenFile(env), "utf8").trim();
    return saved ? { token: saved, source: "login", baseURL } : undefined;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

/** Saves the token for later commands: written atomically, readable by its owner only. */
export function saveToken(token: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = tokenFile(env);
  ensurePrivateDir(configDir(env));
  writeFileAtomic(file, `${token.trim()}\n`);
  chmodSync(file, FILE_MODE);
  return file;
}

/** A token is one line of printable characters (what the Sprites account page shows). Pure. */
export function isPlausibleToken(token: string): boolean {
  return /^[\x21-\x7e]{8,4096}$/.test(token.trim());
}
