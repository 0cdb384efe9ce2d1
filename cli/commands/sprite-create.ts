import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite create [name]`. */
export const spriteCreateCommand = defineCommand({
  meta: withDetails(
    { name: "create", description: "Create a Sprite (default name: this project's)" },
    SPRITE_EXIT_HELP,
  ),
  args: {
    name: { type: "positional", required: false, description: "Its name: lowercase letters, digits and dashes" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    const api = await openSprites("manifest sprite create");
    const sprite = await asCli(() => withProgress(`Creating Sprite ${name}`, api.create(name)));
    out.document({ ok: true, sprite });
    out.line(`${out.style.green("✓")} Created Sprite ${out.style.bold(sprite.name)} (${sprite.status})`);
    if (sprite.url) out.line(out.style.dim(`  ${sprite.url}  (private: your Sprites login opens it)`));
    out.line(out.style.dim(`  Next: manifest sprite exec ${sprite.name} -- uname -a`));
    return 0;
  },
});
