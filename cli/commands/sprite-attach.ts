import { defineCommand } from "citty";
import { withDetails } from "../_args.js";
import { CliError, EXIT } from "../_errors.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";
import { attachTo, tokenFrom } from "./attach.js";

/** `manifest sprite attach [name]`: the terminal dashboard on the sidecar in a Sprite, found by its URL. */
export const spriteAttachCommand = defineCommand({
  meta: withDetails(
    {
      name: "attach",
      description: "Open the terminal dashboard on a Sprite's sidecar, at the Sprite's URL (token: SPARK_WEB_TOKEN)",
    },
    SPRITE_EXIT_HELP,
  ),
  args: {
    name: { type: "positional", required: false, description: "The Sprite (default: this project's)" },
    "token-file": { type: "string", description: "A file holding the bridge's token (default: $SPARK_WEB_TOKEN)" },
  },
  async run({ args }) {
    const name = spriteArg(args.name);
    const token = tokenFrom(args["token-file"], process.env.SPARK_WEB_TOKEN);
    const api = await openSprites("manifest sprite attach");
    const sprite = await asCli(() => withProgress(`Asking Sprite ${name}`, api.get(name)));
    if (!sprite.url) {
      throw new CliError(
        `Sprite ${name} has no URL yet.`,
        "E_SPRITE_URL",
        "Start its sidecar with `manifest sidecar --web --proxy-app` there, then attach again.",
        EXIT.failure,
      );
    }
    return attachTo(new URL(sprite.url).origin, token);
  },
});
