import { loadCredentials } from "./credentials.js";
import { SdkSprites } from "./sdk-adapter.js";
import { SpriteError } from "./sprite-error.js";
import type { SpritesApi } from "./sprites-api.js";

/** Said when the SDK is missing and the caller named no install command (the CLI does: from TOOLS). */
const DEFAULT_INSTALL_HINT =
  "install the Sprites SDK where Spark is (`manifest doctor` names the command and the pins)";

/**
 * The Sprites client for the current user: the token from `SPRITES_TOKEN` or the saved login,
 * the API at `SPRITES_API_URL` (or the SDK's default), the SDK loaded only now. On Node 20,
 * which has no global WebSocket, `ws` stands in for it (SDK 0.1.0 needs one for exec).
 */
export async function connectSprites(
  env: NodeJS.ProcessEnv = process.env,
  installHint = DEFAULT_INSTALL_HINT,
): Promise<SpritesApi> {
  const credentials = loadCredentials(env);
  if (!credentials) {
    throw new SpriteError(
      "No Sprites token is set.",
      "auth",
      "Set SPRITES_TOKEN, or run `manifest sprite login` with a token from your Sprites account.",
    );
  }
  const sdk = await importSdk(installHint);
  // controlMode stays off: in 0.1.0 it silently runs a failing command a second time.
  const client = new sdk.SpritesClient(credentials.token, { baseURL: credentials.baseURL, controlMode: false });
  return new SdkSprites(client, [credentials.token]);
}

async function importSdk(installHint: string): Promise<typeof import("@fly/sprites")> {
  try {
    const holder = globalThis as { WebSocket?: unknown };
    if (typeof holder.WebSocket === "undefined") holder.WebSocket = (await import("ws")).WebSocket;
    return await import("@fly/sprites");
  } catch (error) {
    throw new SpriteError(
      `The Sprites SDK could not be loaded (${(error as Error).message.split("\n")[0]}).`,
      "other",
      `Add it to the project: ${installHint}`,
    );
  }
}
