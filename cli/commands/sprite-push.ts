import { defineCommand } from "citty";
import { createConsola } from "consola";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { prepareUp, printStepEvent, printUpResult, pushArgs } from "../_sprite-up.js";
import { SPRITE_EXIT_HELP } from "../_sprites.js";

/** `manifest sprite push [name]`: send the project's files again and restart the app. */
export const spritePushCommand = defineCommand({
  meta: withDetails(
    { name: "push", description: "Send this project's files to its Sprite again and restart the app (after `up`)" },
    `Only when they differ from what was last sent. A file changed in the Sprite since (an agent's
fix) is copied to .spark/sprite-kept/ there before it is replaced, and named.

${SPRITE_EXIT_HELP}`,
  ),
  args: { ...pushArgs, ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const { api, opts, local, push } = await prepareUp("manifest sprite push", args, { token: false });
    const log = createConsola({ level: 3, formatOptions: { date: false } });
    const result = await push(api, opts, local.code, (event) => {
      if (out.json) out.record(event);
      else printStepEvent(log, event);
    });
    printUpResult(out, result, opts.sprite);
    return result.ok ? 0 : 1;
  },
});
