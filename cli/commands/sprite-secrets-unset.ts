import { defineCommand } from "citty";
import { updateSecrets } from "../../bootstrap/secrets-store.js";
import { jsonArg, withDetails } from "../_args.js";
import { usageError } from "../_errors.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite secrets unset <name> KEY…`. */
export const spriteSecretsUnsetCommand = defineCommand({
  meta: withDetails({ name: "unset", description: "Remove secrets from a Sprite" }, SPRITE_EXIT_HELP),
  args: {
    name: { type: "positional", required: true, description: "The Sprite" },
    keys: { type: "positional", required: false, description: "The names to remove" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    const keys = (args._ as string[]).slice(1);
    if (keys.length === 0)
      throw usageError("Name the secrets to remove.", "manifest sprite secrets unset <sprite> KEY…");
    const api = await openSprites("manifest sprite secrets unset");
    let missing: string[] = [];
    const change = await asCli(() =>
      withProgress(
        `Removing secrets from ${name}`,
        updateSecrets(api, name, (secrets) => {
          missing = keys.filter((k) => !secrets.delete(k));
        }),
      ),
    );
    out.document({ ok: true, removed: keys.filter((k) => !missing.includes(k)), missing, names: change.names });
    out.line(
      `${out.style.green("✓")} Removed ${keys.filter((k) => !missing.includes(k)).join(", ") || "nothing"} from ${name}`,
    );
    if (missing.length > 0) out.line(out.style.dim(`  not set: ${missing.join(", ")}`));
    return 0;
  },
});
