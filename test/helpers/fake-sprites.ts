import { SdkSprites } from "../../bootstrap/sdk-adapter.js";
import type { SpritesApi } from "../../bootstrap/sprites-api.js";
import { type FakeSprites, type FakeSpritesOptions, startFakeSprites } from "../fake-sprites/server.js";

/** A fake Sprites server and a client (the real SDK through Spark's wrapper) pointed at it. */
export interface SpritesScene {
  fake: FakeSprites;
  api: SpritesApi;
  /** The environment a child process needs to reach the fake (`manifest sprite …`). */
  env: NodeJS.ProcessEnv;
}

/** Starts a fake and connects the wrapper to it, with the ws shim on Node 20 as the CLI does. */
export async function spritesScene(options: FakeSpritesOptions = {}): Promise<SpritesScene> {
  const fake = await startFakeSprites(options);
  const holder = globalThis as { WebSocket?: unknown };
  if (typeof holder.WebSocket === "undefined") holder.WebSocket = (await import("ws")).WebSocket;
  const { SpritesClient } = await import("@fly/sprites");
  const client = new SpritesClient(fake.token, { baseURL: fake.url, controlMode: false });
  // Short backoffs: the policy is tested alone; here only that a retry happens matters.
  const api = new SdkSprites(client, [fake.token], {
    policy: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 5000 },
  });
  return { fake, api, env: { SPRITES_TOKEN: fake.token, SPRITES_API_URL: fake.url } };
}

/** Every request URL the fake recorded, joined: for "no secret in any URL". */
export function recordedUrls(fake: FakeSprites): string {
  return fake.requests.map((r) => `${r.method} ${r.url}`).join("\n");
}
