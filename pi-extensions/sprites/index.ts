/**
 * Pi tools over the user's Fly Sprites: `sprite_list`, `sprite_read`, `sprite_exec` and
 * `sprite_write`, so a local Pi session can inspect and fix any of them. Thin wiring: the
 * gate (gate.ts) applies Spark's tools level, output.ts caps and redacts what the model sees,
 * and the client (bootstrap/) does the rest. The Sprites SDK is loaded on the first call.
 */
import type { ExtensionAPI, ExtensionContext, ExtensionFactory } from "@mariozechner/pi-coding-agent";
import { connectSprites } from "../../bootstrap/connect.js";
import { SpriteError } from "../../bootstrap/sprite-error.js";
import type { SpritesApi } from "../../bootstrap/sprites-api.js";
import { toolsLevel } from "./level.js";
import { spriteTools } from "./tools.js";

export interface SpritesExtensionOptions {
  /** Fixes the tools level (SDK hosts, tests); otherwise the project's config decides. */
  level?: string;
  /** Supplies the client (SDK hosts, tests); otherwise SPRITES_TOKEN or the saved login. */
  connect?: () => Promise<SpritesApi>;
}

/** Builds the extension; the default export reads the level and the token from the environment. */
export function createSpritesExtension(options: SpritesExtensionOptions = {}): ExtensionFactory {
  return (pi: ExtensionAPI) => {
    let client: Promise<SpritesApi> | undefined;
    const api = () => {
      client ??= (options.connect ?? (() => connectSprites()))();
      // A failed connection (no token yet) is tried again on the next call, not remembered.
      client.catch(() => {
        client = undefined;
      });
      return client;
    };
    const level = (ctx: ExtensionContext) => options.level ?? toolsLevel(ctx.cwd);
    for (const tool of spriteTools({ api, level })) {
      const execute = tool.execute.bind(tool);
      pi.registerTool({
        ...tool,
        // The model reads a failure as its message and next step, nothing more (no stack).
        execute: async (...args: Parameters<typeof execute>) => {
          try {
            return await execute(...args);
          } catch (error) {
            throw error instanceof SpriteError ? new Error(`${error.message} ${error.next}`) : error;
          }
        },
      });
    }
  };
}

export default createSpritesExtension();
