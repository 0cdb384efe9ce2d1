import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput } from "../_output.js";
import { PI_VERSION } from "../_sprite-up.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite status [name]`: its state, URL, and services. */
export const spriteStatusCommand = defineCommand({
  meta: withDetails(
    { name: "status", description: "A Sprite's state, URL, services, and whether it runs this CLI's versions" },
    `After \`manifest sprite up\`, its bridge is asked (with the token saved here) for the versions
it runs (manifest-spark, Pi, the bus protocol), and they are compared with this CLI's.

${SPRITE_EXIT_HELP}`,
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
    const up = await import("../../bootstrap/up/index.js");
    const verdict = await up.checkSpriteVersions(sprite.url, up.readBridgeToken(name), up.localVersions(PI_VERSION));
    const advice = up.versionsAdvice(verdict, name);
    out.document({ ok: true, sprite, services, versions: verdict, advice });
    out.line(`${out.style.bold(sprite.name)}  ${sprite.status}${sprite.url ? `  ${sprite.url}` : ""}`);
    if (services.length === 0) out.line(out.style.dim("  no services"));
    for (const s of services) {
      const port = s.httpPort ? `  :${s.httpPort} (the URL goes here)` : "";
      const error = s.error ? out.style.red(`  ${s.error}`) : "";
      out.line(`  ${s.name}  ${s.status}${port}${error}`);
    }
    const runs =
      verdict.kind === "unknown"
        ? ""
        : `bridge ${verdict.versions.bridge}, Pi ${verdict.versions.pi}, bus protocol ${verdict.versions.busProtocol}. `;
    const say = verdict.kind === "differs" ? out.style.yellow : out.style.dim;
    out.line(say(`  ${runs}${advice}`));
    return 0;
  },
});
