import { defineCommand } from "citty";
import { createConsola } from "consola";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { prepareUp, printStepEvent, printUpResult, upArgs } from "../_sprite-up.js";
import { SPRITE_EXIT_HELP } from "../_sprites.js";

/** `manifest sprite up [name]`: make the Sprite run this project with Spark, and keep it so. */
export const spriteUpCommand = defineCommand({
  meta: withDetails(
    {
      name: "up",
      description: "Make a Sprite run this project with Spark (the app, the sidecar and its bridge); again to update",
    },
    `Each step checks the Sprite and acts only where it differs: the Sprite, Node, the project's files
(git-tracked; never .env*, keys or node_modules), this manifest-spark build and Pi, spark init, the
model, the services \`bridge\` and \`app\`, and the bridge answering through the Sprite's URL.
A failed step says what failed and where its log is; the next \`up\` goes on from there.
The model's API key only comes from --key-from-env NAME: it is written to a 0600 file in the
Sprite, never put in a command line or a URL. Without one, the sidecar there only watches.

${SPRITE_EXIT_HELP}`,
  ),
  args: { ...upArgs, ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const { api, opts, local, converge } = await prepareUp("manifest sprite up", args);
    const log = createConsola({ level: 3, formatOptions: { date: false } });
    const result = await converge(api, opts, local, (event) => {
      if (out.json) out.record(event);
      else printStepEvent(log, event);
    });
    printUpResult(out, result, opts.sprite);
    return result.ok ? 0 : 1;
  },
});
