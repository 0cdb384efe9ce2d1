import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite status [name]`: its state, URL, and services. */
export const spriteStatusCommand = defineCommand({
  meta: withDetails(
    { name: "status", description: "A Sprite's state (cold/warm/running), URL and services" },
    SPRITE_EXIT_HELP,
  ),
  args: {
    name: { type: "positional", required: false, description: "The Sprite (default: this project's)" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    const api = await openSprites("manifest sprite status");
    const [sprite, services] = await asCli(() =>
      withProgress(`Asking Sprite ${name}`, Promise.all([api.get(name), api.services(name)])),
    );
    out.document({ ok: true, sprite, services });
    out.line(`${out.style.bold(sprite.name)}  ${sprite.status}${sprite.url ? `  ${sprite.url}` : ""}`);
    if (services.length === 0) out.line(out.style.dim("  no services"));
    for (const s of services) {
      const port = s.httpPort ? `  :${s.httpPort} (the URL goes here)` : "";
      const error = s.error ? out.style.red(`  ${s.error}`) : "";
      out.line(`  ${s.name}  ${s.status}${port}${error}`);
    }
    return 0;
  },
});
