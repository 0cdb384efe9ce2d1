import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, withProgress } from "../_sprites.js";

/** `manifest sprite list [--prefix p]`. */
export const spriteListCommand = defineCommand({
  meta: withDetails({ name: "list", description: "List your Sprites and their state" }, SPRITE_EXIT_HELP),
  args: {
    prefix: { type: "string", description: "Only names starting with this" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const api = await openSprites("manifest sprite list");
    const sprites = await asCli(() => withProgress("Listing Sprites", api.list(args.prefix || undefined)));
    out.document({ ok: true, sprites });
    if (sprites.length === 0) {
      out.line("No Sprites yet. Make one with `manifest sprite create`.");
      return 0;
    }
    const width = Math.max(...sprites.map((s) => s.name.length));
    for (const s of sprites) out.line(`${out.style.bold(s.name.padEnd(width))}  ${s.status.padEnd(8)}  ${s.url ?? ""}`);
    return 0;
  },
});
