import { INSPECT_SCHEMA_VERSION } from "../../sidecar/inspect/rows.js";
import { formatSecrets } from "../secrets-file.js";
import { SpriteError } from "../sprite-error.js";
import type { CodeSnapshot } from "./code-snapshot.js";
import { markDone, type UpContext } from "./context.js";
import { desiredState, secretDigest } from "./desired.js";
import { FACTS_SCRIPT, nodeIsRecentEnough, parseFacts, splitSpec } from "./facts.js";
import { StepFailure, stderrTail } from "./failure.js";
import { BRIDGE_ENV_FILE, MIN_NODE, PI_MODELS_FILE, SPRITE_HOME } from "./layout.js";
import type { PackageSource } from "./package-source.js";
import { appSpec, bridgeSpec } from "./service-specs.js";
import { emptyStamp } from "./stamp.js";

/** What a step reports: whether it changed anything, and one line about it. */
export interface StepOutcome {
  changed: boolean;
  detail?: string;
}

/** Step 1: the Sprite exists (made when missing), its URL open to the bridge's token. */
export async function spriteStep(ctx: UpContext): Promise<StepOutcome> {
  const { api, opts } = ctx;
  try {
    ctx.sprite = await api.get(opts.sprite);
  } catch (error) {
    if (!(error instanceof SpriteError && error.kind === "not-found")) throw error;
    ctx.sprite = await api.create(opts.sprite);
    ctx.created = true;
  }
  // The bridge's token guards every request, the app's too. The Sprites login would want
  // the org token in the same Authorization header, and would hand it to the VM.
  let opened = false;
  if (ctx.sprite.urlAuth !== "public") {
    await api.setUrlAuth(opts.sprite, "public");
    opened = true;
  }
  const what = ctx.created ? "created" : "exists";
  return { changed: ctx.created || opened, detail: `${what}${opened ? ", URL opened to the bridge's token" : ""}` };
}

/**
 * Step 2: Node in the Sprite is recent enough. One read-only command also brings the stamp
 * and what the later steps check, so an unchanged Sprite costs one command.
 */
export async function runtimeStep(
  ctx: UpContext,
  local: { code: CodeSnapshot; pkg: PackageSource },
): Promise<StepOutcome> {
  const toolNames = ctx.opts.tools.map((spec) => splitSpec(spec).name);
  const result = await ctx.api.exec(ctx.opts.sprite, ["node", "-e", FACTS_SCRIPT, ...toolNames], {
    cwd: SPRITE_HOME,
    timeoutMs: 120_000,
    idempotent: true,
  });
  const facts = parseFacts(result.exitCode, result.stdout.toString("utf8"));
  if (!facts)
    throw new StepFailure(
      "runtime",
      `Reading the Sprite's state failed (exit ${result.exitCode}).`,
      "node -e <facts>",
      stderrTail(result.stderr, ctx.secrets),
      "Try again; if it keeps failing, look at the Sprite with `manifest sprite exec`.",
    );
  ctx.facts = facts;
  if (!nodeIsRecentEnough(facts.node))
    throw new StepFailure(
      "runtime",
      facts.node
        ? `The Sprite has Node ${facts.node}; Spark needs ${MIN_NODE.join(".")} or newer.`
        : "The Sprite has no `node` on its PATH; Spark needs Node 20.19 or newer.",
      "node --version",
      "",
      `Install one there, e.g. \`manifest sprite exec ${ctx.opts.sprite} -- bash -lc "nvm install 22"\`, then run \`manifest sprite up\` again.`,
    );
  ctx.stamp = facts.stamp ?? emptyStamp();
  computeDesired(ctx, local);
  return { changed: false, detail: `Node ${facts.node}` };
}

/** The wanted hashes, from the local project, this package, the options and the stamp. */
export function computeDesired(ctx: UpContext, local: { code: CodeSnapshot; pkg: PackageSource }): void {
  const { opts } = ctx;
  const serviceInputs = {
    bridgePort: opts.bridgePort,
    bridgeHost: opts.bridgeHost,
    appPort: opts.appPort,
    model: opts.model,
    appCommand: opts.appCommand,
  };
  ctx.inputs = {
    code: { tree: local.code.tree, blobs: local.code.blobs },
    pkg: { version: local.pkg.version, hash: local.pkg.hash },
    tools: opts.tools,
    inspectSchema: INSPECT_SCHEMA_VERSION,
    model: {
      model: opts.model,
      modelUrl: opts.modelUrl,
      keyName: opts.key?.name,
      keyDigest: opts.key ? secretDigest(opts.key.value) : undefined,
      tokenDigest: secretDigest(opts.token),
    },
    services: { bridge: bridgeSpec(serviceInputs), app: appSpec(serviceInputs) },
  };
  ctx.desired = desiredState(ctx.inputs);
}

/**
 * Step 6: the agent's model. The bridge's env file (0600, through the filesystem API: no value
 * in a command line or URL) holds its token and the model's key; with `--model-url`, Pi's
 * models.json there names the provider (its key by variable name only).
 */
export async function modelStep(ctx: UpContext): Promise<StepOutcome> {
  const { api, opts } = ctx;
  const wanted = ctx.desired?.model;
  const modelsMissing = opts.modelUrl !== undefined && !ctx.facts.models;
  if (ctx.stamp.steps.model === wanted && ctx.facts.bridgeEnv === "600" && !modelsMissing)
    return { changed: false, detail: describeModel(ctx) };
  const values = new Map([["SPARK_WEB_TOKEN", opts.token]]);
  if (opts.key) values.set(opts.key.name, opts.key.value);
  const envText = formatSecrets(
    values,
    "Written by `manifest sprite up`: the bridge's token and the model's key. Loaded by the bridge service only.",
  );
  await api.writeFile(opts.sprite, `${SPRITE_HOME}/.config/manifest/${BRIDGE_ENV_FILE}`, envText, { mode: 0o600 });
  ctx.uploadedBytes += Buffer.byteLength(envText);
  if (opts.modelUrl && opts.model) {
    const text = await modelsJson(ctx, opts.model, opts.modelUrl);
    await api.writeFile(opts.sprite, PI_MODELS_FILE, text, { mode: 0o600 });
    ctx.uploadedBytes += Buffer.byteLength(text);
  }
  await markDone(ctx, "model");
  return { changed: true, detail: describeModel(ctx) };
}

function describeModel(ctx: UpContext): string {
  const { opts } = ctx;
  const which = opts.model ?? "Pi's default model";
  return opts.key ? `${which}, key from ${opts.key.name}` : `${which}, no key given`;
}

/** Pi's models.json in the Sprite with the provider of `model` at `url` (other providers kept). */
async function modelsJson(ctx: UpContext, model: string, url: string): Promise<string> {
  let current: { providers?: Record<string, unknown> } = {};
  try {
    current = JSON.parse((await ctx.api.readFile(ctx.opts.sprite, PI_MODELS_FILE)).toString("utf8"));
  } catch (error) {
    // None yet (or not JSON: Pi would ignore it anyway, so it is replaced).
    if (error instanceof SpriteError && error.kind !== "not-found") throw error;
  }
  const slash = model.indexOf("/");
  const [provider, id] = [model.slice(0, slash), model.slice(slash + 1)];
  const providers = typeof current.providers === "object" && current.providers ? current.providers : {};
  providers[provider] = {
    baseUrl: url,
    api: "openai-completions",
    // A variable name: Pi reads the key from the bridge's environment, never from this file.
    apiKey: ctx.opts.key?.name ?? "none",
    compat: { supportsDeveloperRole: false, supportsStore: false },
    models: [{ id, name: id, input: ["text"], contextWindow: 128000, maxTokens: 16384 }],
  };
  return `${JSON.stringify({ ...current, providers }, null, 2)}\n`;
}
