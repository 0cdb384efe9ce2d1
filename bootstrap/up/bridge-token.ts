import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, isErrno, writeFileAtomic } from "../../bus/secure-fs.js";
import { configDir } from "../credentials.js";
import { parseSecrets } from "../secrets-file.js";
import { SpriteError } from "../sprite-error.js";
import type { SpritesApi } from "../sprites-api.js";
import { BRIDGE_ENV_FILE, SPRITE_HOME } from "./layout.js";

/** Where this machine keeps a Sprite's bridge token (0600, in a 0700 folder). */
export function bridgeTokenFile(sprite: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "sprite-bridges", `${sprite}.token`);
}

/** The token saved here for the Sprite, if any. */
export function readBridgeToken(sprite: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const token = readFileSync(bridgeTokenFile(sprite, env), "utf8").trim();
    return token.length >= 16 ? token : undefined;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

/** Saves the Sprite's bridge token here (0600, in a 0700 folder). */
export function saveBridgeToken(sprite: string, token: string, env: NodeJS.ProcessEnv): void {
  const file = bridgeTokenFile(sprite, env);
  ensurePrivateDir(join(configDir(env), "sprite-bridges"));
  writeFileAtomic(file, `${token}\n`);
}

/**
 * The bridge's token: the one saved here, else the one the Sprite's bridge already has (set
 * up from another machine: kept, so its links keep working), else a new one. Saved here.
 */
export async function resolveBridgeToken(
  api: SpritesApi,
  sprite: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ token: string; source: "saved" | "sprite" | "new" }> {
  const saved = readBridgeToken(sprite, env);
  if (saved) return { token: saved, source: "saved" };
  let fromSprite: string | undefined;
  try {
    const text = (await api.readFile(sprite, `${SPRITE_HOME}/.config/manifest/${BRIDGE_ENV_FILE}`)).toString("utf8");
    fromSprite = parseSecrets(text).get("SPARK_WEB_TOKEN");
  } catch (error) {
    // No Sprite yet, or no bridge in it: a new token.
    if (!(error instanceof SpriteError && error.kind === "not-found")) throw error;
  }
  const token = fromSprite && fromSprite.length >= 16 ? fromSprite : randomBytes(32).toString("base64url");
  saveBridgeToken(sprite, token, env);
  return { token, source: fromSprite ? "sprite" : "new" };
}
