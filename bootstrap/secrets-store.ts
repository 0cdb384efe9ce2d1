import { formatSecrets, parseSecrets, SECRETS_PATH } from "./secrets-file.js";
import { SpriteError } from "./sprite-error.js";
import type { SpritesApi } from "./sprites-api.js";

/** The secrets stored in a Sprite (none when the file does not exist yet). */
export async function readSecrets(api: SpritesApi, sprite: string): Promise<Map<string, string>> {
  try {
    return parseSecrets((await api.readFile(sprite, SECRETS_PATH)).toString("utf8"));
  } catch (error) {
    if (error instanceof SpriteError && error.kind === "not-found" && !/no Sprite named/.test(error.message))
      return new Map();
    throw error;
  }
}

/** What changing the secrets did. */
export interface SecretsChange {
  /** Every name now stored. */
  names: string[];
  /** The services restarted so they read the new values. */
  restarted: string[];
}

/**
 * Applies `change` to the Sprite's secrets: the file is rewritten whole (0600, through the
 * filesystem API, so no value is ever in a command line or a URL), then every running
 * service that loads it is restarted.
 */
export async function updateSecrets(
  api: SpritesApi,
  sprite: string,
  change: (secrets: Map<string, string>) => void,
): Promise<SecretsChange> {
  const secrets = await readSecrets(api, sprite);
  change(secrets);
  await api.writeFile(sprite, SECRETS_PATH, formatSecrets(secrets), { mode: 0o600 });
  const restarted: string[] = [];
  for (const service of await api.services(sprite)) {
    if (!service.loadsSecrets || service.status !== "running") continue;
    await api.restartService(sprite, service.name);
    restarted.push(service.name);
  }
  return { names: [...secrets.keys()].sort(), restarted };
}
