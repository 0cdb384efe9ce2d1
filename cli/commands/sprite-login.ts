import { defineCommand } from "citty";
import { connectSprites } from "../../bootstrap/connect.js";
import { isPlausibleToken, saveToken } from "../../bootstrap/credentials.js";
import { jsonArg, withDetails } from "../_args.js";
import { CliError, EXIT, usageError } from "../_errors.js";
import { createOutput } from "../_output.js";
import { readSecretInput } from "../_secret-input.js";
import { asCli, SPRITE_EXIT_HELP, withProgress } from "../_sprites.js";
import { ensureTools, installCommand } from "../_tools.js";

/** `manifest sprite login`: saves a Sprites token for later commands, after checking it works. */
export const spriteLoginCommand = defineCommand({
  meta: withDetails(
    {
      name: "login",
      description: "Save your Sprites token (read from stdin or typed unseen; never an argument)",
    },
    `The token is kept in $XDG_CONFIG_HOME/manifest/sprites-token (default ~/.config/manifest/), readable by
you only. SPRITES_TOKEN, when set, is used instead. Pipe it in: pbpaste | manifest sprite login

${SPRITE_EXIT_HELP}`,
  ),
  args: {
    verify: {
      type: "boolean",
      default: true,
      description: "Check the token against the API first (--no-verify skips)",
    },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    let token: string;
    try {
      token = (await readSecretInput("Sprites token (input hidden): ")).trim();
    } catch {
      throw new CliError("Cancelled: no token saved.", "E_CANCELLED", undefined, EXIT.interrupted);
    }
    if (!isPlausibleToken(token))
      throw usageError("That does not look like a Sprites token.", "Copy it from your Sprites account and pipe it in.");
    if (args.verify) {
      ensureTools("manifest sprite login", ["sprites"]);
      const api = await asCli(() =>
        connectSprites({ ...process.env, SPRITES_TOKEN: token }, installCommand(["sprites"])),
      );
      await asCli(() => withProgress("Checking the token", api.list()));
    }
    const file = saveToken(token);
    out.document({ ok: true, file, verified: Boolean(args.verify) });
    out.line(`${out.style.green("✓")} Saved your Sprites token in ${file} (only you can read it).`);
    if (process.env.SPRITES_TOKEN) out.note("Note: SPRITES_TOKEN is set in this shell and wins over the saved token.");
    return 0;
  },
});
