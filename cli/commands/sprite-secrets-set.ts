import { defineCommand } from "citty";
import { updateSecrets } from "../../bootstrap/secrets-store.js";
import { jsonArg, withDetails } from "../_args.js";
import { usageError } from "../_errors.js";
import { createOutput } from "../_output.js";
import { secretSources } from "../_secret-args.js";
import { readSecretInput } from "../_secret-input.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite secrets set <name> KEY[=VALUE]… [--from-env]`. */
export const spriteSecretsSetCommand = defineCommand({
  meta: withDetails(
    { name: "set", description: "Store secrets in a Sprite (0600 file its services load); values never echoed" },
    `Values come from stdin (one KEY), from the environment (--from-env KEY…), or KEY=VALUE (visible in
shell history: prefer the others). Running services that load the file are restarted.
  printf %s "$STRIPE_KEY" | manifest sprite secrets set my-app STRIPE_KEY
  manifest sprite secrets set my-app --from-env DATABASE_URL SESSION_SECRET

${SPRITE_EXIT_HELP}`,
  ),
  args: {
    name: { type: "positional", required: true, description: "The Sprite" },
    keys: { type: "positional", required: false, description: "KEY or KEY=VALUE, one or more" },
    "from-env": { type: "boolean", description: "Take each KEY's value from the environment variable of that name" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    const words = (args._ as string[]).slice(1);
    const sources = secretSources(words, Boolean(args["from-env"]), process.env);
    if (sources.fromStdin) {
      const value = await readSecretInput(`Value of ${sources.fromStdin} (input hidden): `);
      if (value === "")
        throw usageError(`No value for ${sources.fromStdin} came in on stdin.`, "Pipe it in, or use --from-env.");
      sources.values.set(sources.fromStdin, value);
    }
    if (sources.inline) out.note("Note: a value typed on the command line stays in your shell history.");
    const api = await openSprites("manifest sprite secrets set");
    const change = await asCli(() =>
      withProgress(
        `Storing secrets in ${name}`,
        updateSecrets(api, name, (secrets) => {
          for (const [key, value] of sources.values) secrets.set(key, value);
        }),
      ),
    );
    const set = [...sources.values.keys()];
    out.document({ ok: true, set, names: change.names, restarted: change.restarted });
    out.line(`${out.style.green("✓")} Set ${set.join(", ")} in Sprite ${name}`);
    if (change.restarted.length > 0) out.line(out.style.dim(`  restarted ${change.restarted.join(", ")} to load them`));
    return 0;
  },
});
