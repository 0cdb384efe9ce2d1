import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { confirm } from "../_confirm.js";
import { CliError, EXIT } from "../_errors.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite delete <name> [--yes]`: irreversible, so it asks. */
export const spriteDeleteCommand = defineCommand({
  meta: withDetails(
    { name: "delete", description: "Delete a Sprite with its files and checkpoints (asks first; --yes)" },
    SPRITE_EXIT_HELP,
  ),
  args: {
    name: { type: "positional", required: true, description: "The Sprite" },
    yes: { type: "boolean", alias: "y", description: "Do not ask" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    if (!args.yes) {
      if (!process.stdin.isTTY)
        throw new CliError(
          `Not deleting Sprite "${name}" without a yes.`,
          "E_NOT_CONFIRMED",
          "Add --yes to confirm.",
          EXIT.usage,
        );
      if (!(await confirm(`Delete Sprite "${name}" with all its files and checkpoints? This cannot be undone.`)))
        throw new CliError("Nothing deleted.", "E_DECLINED", undefined, EXIT.failure);
    }
    const api = await openSprites("manifest sprite delete");
    await asCli(() => withProgress(`Deleting Sprite ${name}`, api.delete(name)));
    out.document({ ok: true, deleted: name });
    out.line(`${out.style.green("✓")} Deleted Sprite ${name}`);
    return 0;
  },
});
