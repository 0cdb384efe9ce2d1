import type { ConsolaInstance } from "consola";
import { type StepEvent, stepLine, type UpResult } from "../bootstrap/up/events.js";
import { CliError, usageError } from "./_errors.js";
import type { Output } from "./_output.js";
import { projectConfig, projectRoot } from "./_project.js";
import { asCli, openSprites, spriteArg } from "./_sprites.js";
import { TOOLS } from "./_tools.js";

/** The Pi a Sprite gets: the pin in TOOLS. */
export const PI_VERSION = TOOLS.pi.install[0]?.split("@").at(-1) ?? "";

/** The tools `up` installs in the Sprite beside manifest-spark: Pi, the bridge's stack, SQLite for the inspect database. */
const SPRITE_TOOLS = ["pi", "bridge", "inspect"] as const;

/** Arguments `up` and `push` share. */
export const pushArgs = {
  name: { type: "positional", required: false, description: "The Sprite (default: this project's)" },
  "include-dirty": {
    type: "boolean",
    description: "Send the working tree as it is (uncommitted changes, new unignored files), not only HEAD",
  },
} as const;

export const upArgs = {
  ...pushArgs,
  model: { type: "string", description: "The sidecar's model, provider/id (default: config sidecar.model, else Pi's)" },
  "model-url": {
    type: "string",
    description: "An OpenAI-compatible endpoint serving --model: added to Pi's models.json in the Sprite",
  },
  "key-from-env": {
    type: "string",
    description: "Name of the local environment variable holding the model's API key (written 0600 in the Sprite)",
  },
  "app-port": { type: "string", description: "The port the app listens on there (its PORT; default 3000)" },
  "bridge-port": { type: "string", description: "The port the bridge listens on (default 8080: the Sprite's URL)" },
  "bridge-host": { type: "string", description: "The address the bridge listens on (default 0.0.0.0)" },
  "ready-timeout": { type: "string", description: "Seconds the bridge may take to answer (default 180)" },
} as const;

type UpArgValues = { [K in keyof typeof upArgs]?: K extends "include-dirty" ? boolean : string } & { name?: string };

/** Checks the arguments and prepares everything local: the project's files, this package, the token. */
export async function prepareUp(command: string, args: UpArgValues, needs: { token: boolean } = { token: true }) {
  const sprite = spriteArg(args.name);
  const root = projectRoot();
  const { config } = projectConfig(root);
  const model = args.model || config.sidecar.model;
  if (model && !/^[^/\s]+\/\S+$/.test(model)) throw usageError(`--model "${model}" must be provider/id.`);
  const modelUrl = args["model-url"] || undefined;
  if (modelUrl && !model) throw usageError("--model-url needs --model provider/id: the model it serves.");
  if (modelUrl && !/^https?:\/\/[^\s@]+$/.test(modelUrl))
    throw usageError(
      `--model-url must be an http(s) URL with no credentials in it.`,
      "Give the key with --key-from-env NAME.",
    );
  const key = keyFromEnv(args["key-from-env"]);
  const appPort = port(args["app-port"], "--app-port", 3000);
  const bridgePort = port(args["bridge-port"], "--bridge-port", 8080);
  const readySeconds = Number(args["ready-timeout"] ?? 180);
  if (!(readySeconds > 0)) throw usageError(`--ready-timeout ${args["ready-timeout"]} is not a number of seconds.`);

  const api = await openSprites(command);
  const up = await import("../bootstrap/up/index.js");
  const local = await asLocal(() => up.prepareLocal(root, Boolean(args["include-dirty"]), PI_VERSION));
  // push leaves the bridge alone: no token to look up (nor an API call for it).
  const token = needs.token ? (await asCli(() => up.resolveBridgeToken(api, sprite))).token : "";
  const tools = [...new Set(SPRITE_TOOLS.flatMap((name) => TOOLS[name].install))];
  const opts = {
    sprite,
    root,
    includeDirty: Boolean(args["include-dirty"]),
    model,
    modelUrl,
    key,
    token,
    bridgePort,
    bridgeHost: args["bridge-host"] || "0.0.0.0",
    appPort,
    appCommand: config.up.app,
    readyTimeoutMs: readySeconds * 1000,
    tools,
  };
  return { api, opts, local, converge: up.converge, push: up.push };
}

async function asLocal<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const next = (error as { next?: unknown }).next;
    if (typeof next === "string") throw new CliError((error as Error).message, "E_SPRITE_LOCAL", next);
    throw error;
  }
}

function keyFromEnv(name: string | undefined): { name: string; value: string } | undefined {
  if (!name) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw usageError(
      // Not echoed: what was given may be the key itself.
      "--key-from-env takes the name of a variable (letters, digits and _), not a value.",
      "For example: --key-from-env ANTHROPIC_API_KEY",
    );
  const value = process.env[name];
  if (!value) throw usageError(`--key-from-env ${name}: ${name} is not set here.`, `Export it first: export ${name}=…`);
  return { name, value };
}

function port(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw usageError(`${flag} must be a port number (1 to 65535), got "${text}".`);
  return n;
}

/** One line per finished step, with its time. */
export function printStepEvent(log: ConsolaInstance, event: StepEvent): void {
  if (event.status === "start") return;
  if (event.status === "failed") log.fail(stepLine(event));
  else if (event.status === "changed") log.success(stepLine(event));
  else log.info(stepLine(event));
}

/** The outcome: where the bridge is, notes, or the failure with its stderr and log. */
export function printUpResult(out: Output, result: UpResult, sprite: string): void {
  if (out.json) {
    out.record(result);
    return;
  }
  const { bold, dim, red, yellow, green } = out.style;
  for (const note of result.notes) out.line(yellow(`⚠ ${note}`));
  if (result.failure) {
    const f = result.failure;
    out.line(red(`✖ ${bold(f.step)}: ${f.message}`));
    out.line(dim(`  command: ${f.command}`));
    if (f.stderr) {
      out.line(dim("  ── the last lines of its stderr ──"));
      for (const line of f.stderr.split("\n")) out.line(`  ${line}`);
    }
    if (f.log) out.line(dim(`  log in the Sprite: ${f.log}`));
    out.line(`  ${f.next}`);
    return;
  }
  if (result.watchOnly) out.line(yellow(`⚠ The sidecar only watches: ${result.watchOnly}.`));
  const what = result.changed.length === 0 ? "nothing changed" : `changed: ${result.changed.join(", ")}`;
  out.line(green(`✔ Sprite ${bold(sprite)} is up (${what}, ${(result.ms / 1000).toFixed(1)} s)`));
  if (result.url)
    out.line(
      dim(
        `  ${result.url}  (the bridge: /starter/; the app: everything else; token in ~/.config/manifest/sprite-bridges/${sprite}.token)`,
      ),
    );
}
