import { defineCommand } from "citty";
import type { ServiceLogLine } from "../../bootstrap/sprites-api.js";
import { jsonArg, withDetails } from "../_args.js";
import { CliError, EXIT } from "../_errors.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, SPRITE_EXIT_HELP, spriteArg, withProgress } from "../_sprites.js";

/** `manifest sprite logs <name> [service] [--follow] [--lines n]`. */
export const spriteLogsCommand = defineCommand({
  meta: withDetails(
    { name: "logs", description: "A Sprite's service logs (every service, or one); --follow until Ctrl+C" },
    SPRITE_EXIT_HELP,
  ),
  args: {
    name: { type: "positional", required: true, description: "The Sprite" },
    service: { type: "positional", required: false, description: "One service (default: all of them)" },
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines until Ctrl+C" },
    lines: { type: "string", description: "How many recent lines per service (default 100)" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const name = spriteArg(args.name);
    const lines = args.lines ? Number(args.lines) : 100;
    const api = await openSprites("manifest sprite logs");
    const services = args.service
      ? [args.service]
      : (await asCli(() => withProgress(`Asking Sprite ${name}`, api.services(name)))).map((s) => s.name);
    if (services.length === 0) {
      out.document({ ok: true, lines: [] });
      out.line(`Sprite ${name} has no services, so no service logs.`);
      return 0;
    }
    const many = services.length > 1;
    const print = (line: ServiceLogLine) => {
      out.record(line);
      if (out.json) return;
      const prefix = many ? out.style.dim(`[${line.service}] `) : "";
      if (line.type === "stdout") process.stdout.write(`${prefix}${line.data ?? ""}`);
      else if (line.type === "stderr") process.stdout.write(`${prefix}${out.style.yellow(line.data ?? "")}`);
      else
        out.line(
          out.style.dim(`${prefix}— ${line.type}${line.exitCode !== undefined ? ` (exit ${line.exitCode})` : ""}`),
        );
    };
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.on("SIGINT", onSigint);
    try {
      await asCli(() =>
        Promise.all(
          services.map((service) =>
            api.serviceLogs(name, service, {
              lines,
              follow: Boolean(args.follow),
              signal: abort.signal,
              onLine: print,
            }),
          ),
        ),
      );
    } finally {
      process.off("SIGINT", onSigint);
    }
    if (abort.signal.aborted && !args.follow)
      throw new CliError("Interrupted.", "E_INTERRUPTED", undefined, EXIT.interrupted);
    return 0;
  },
});
