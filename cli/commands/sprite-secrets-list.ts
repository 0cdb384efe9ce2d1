import { defineCommand } from "citty";
import { readSecrets } from "../../bootstrap/secrets-store.js";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite secrets list <name>`: names only, never values. */
export const spriteSecretsListCommand = defineCommand({
  meta: withDetails(
    { name: "list", description: "The names of a Sprite's secrets (never their values)" },
    SPRITE_EXIT_HELP,
  ),
  args: {
    name: { type: "positional", required: true, description: "The Sprite" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    const api = await openSprites("manifest sprite secrets list");
    const names = [...(await asCli(() => withProgress(`Asking Sprite ${name}`, readSecrets(api, name)))).keys()].sort();
    out.document({ ok: true, names });
    if (names.length === 0) out.line(`No secrets in Sprite ${name}.`);
    for (const n of names) out.line(n);
    return 0;
  },
});
