import { createHash, randomBytes } from "node:crypto";
import type { ServiceSummary, SpriteSummary, SpritesApi } from "../sprites-api.js";
import type { DesiredInputs } from "./desired.js";
import type { UpStep } from "./events.js";
import { NO_FACTS, type SpriteFacts } from "./facts.js";
import { StepFailure, stderrTail } from "./failure.js";
import { inProject, SPRITE_HOME, STAMP_FILE, UPLOAD_DIR } from "./layout.js";
import { emptyStamp, formatStamp, type SpriteStamp, type StampedStep } from "./stamp.js";

/** What `up` was asked to do. */
export interface UpOptions {
  sprite: string;
  /** The local project's root. */
  root: string;
  includeDirty: boolean;
  /** `provider/id` for the sidecar (flag, else config), or undefined for Pi's default. */
  model: string | undefined;
  /** An OpenAI-compatible endpoint that serves `model`: written into the Sprite's Pi models.json. */
  modelUrl: string | undefined;
  /** The model's API key: its variable name and value (read locally; written only to a 0600 file there). */
  key: { name: string; value: string } | undefined;
  /** The bridge's token (kept locally, written 0600 in the Sprite). */
  token: string;
  bridgePort: number;
  bridgeHost: string;
  appPort: number;
  appCommand: string;
  /** How long the bridge may take to answer after its service started. */
  readyTimeoutMs: number;
  /** The tools installed beside the package (exact `name@version` specs, from the CLI's TOOLS). */
  tools: string[];
}

/** The state of one run, shared by its steps. */
export interface UpContext {
  api: SpritesApi;
  opts: UpOptions;
  /** The run's log inside the Sprite (relative to the project). */
  logFile: string;
  /** Whether a command of this run has written to the log yet. */
  logUsed: boolean;
  sprite: SpriteSummary | undefined;
  /** Whether this run created the Sprite. */
  created: boolean;
  facts: SpriteFacts;
  stamp: SpriteStamp;
  inputs: DesiredInputs | undefined;
  desired: Record<StampedStep, string> | undefined;
  changed: Set<UpStep>;
  services: ServiceSummary[] | undefined;
  uploadedBytes: number;
  notes: string[];
  watchOnly: string | null;
  /** Values no output may show. */
  secrets: string[];
}

export function newContext(api: SpritesApi, opts: UpOptions, now = new Date()): UpContext {
  const time = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return {
    api,
    opts,
    logFile: `.spark/logs/bootstrap-${time}.log`,
    logUsed: false,
    sprite: undefined,
    created: false,
    facts: { ...NO_FACTS },
    stamp: emptyStamp(),
    inputs: undefined,
    desired: undefined,
    changed: new Set(),
    services: undefined,
    uploadedBytes: 0,
    notes: [],
    watchOnly: null,
    secrets: [...(opts.token ? [opts.token] : []), ...(opts.key ? [opts.key.value] : [])],
  };
}

/** The wanted hashes (set once the facts are in). */
export function desired(ctx: UpContext): Record<StampedStep, string> {
  if (!ctx.desired) throw new Error("the desired state is computed after the runtime step");
  return ctx.desired;
}

/**
 * Runs one of scripts.ts's scripts (it goes into the project folder itself): `$0` is the step, then the log,
 * then `args`. Resolves with what it wrote to fd 3; a non-zero exit is the step's failure,
 * with the last 2 KB of stderr and the log's path.
 */
export async function runStepScript(
  ctx: UpContext,
  step: UpStep,
  script: string,
  args: readonly string[],
  label: string,
  timeoutMs: number,
): Promise<string> {
  ctx.logUsed = true;
  const result = await ctx.api.exec(ctx.opts.sprite, ["bash", "-c", script, step, ctx.logFile, ...args], {
    cwd: SPRITE_HOME,
    timeoutMs,
  });
  if (result.exitCode !== 0) {
    throw new StepFailure(
      step,
      `${label} failed in the Sprite (exit ${result.exitCode}).`,
      label,
      stderrTail(result.stderr, ctx.secrets),
      `See the whole log with \`manifest sprite exec ${ctx.opts.sprite} -- cat ${inProject(ctx.logFile)}\`; fix the cause and run \`manifest sprite up\` again: it goes on from this step.`,
      inProject(ctx.logFile),
    );
  }
  return result.stdout.toString("utf8");
}

/** Uploads `data` through the filesystem API under a fresh name; resolves with the name and its sha256. */
export async function upload(ctx: UpContext, kind: string, data: Buffer): Promise<{ name: string; sha256: string }> {
  const sha256 = createHash("sha256").update(data).digest("hex");
  const name = `${kind}-${sha256.slice(0, 12)}-${randomBytes(4).toString("hex")}.tgz`;
  await ctx.api.writeFile(ctx.opts.sprite, `${UPLOAD_DIR}/${name}`, data, { mode: 0o600 });
  ctx.uploadedBytes += data.length;
  return { name, sha256 };
}

/** Records that `step` now has its wanted result, in the Sprite (so a later failure resumes after it). */
export async function markDone(ctx: UpContext, ...steps: StampedStep[]): Promise<void> {
  for (const step of steps) ctx.stamp.steps[step] = desired(ctx)[step];
  ctx.stamp.updatedAt = new Date().toISOString();
  const text = formatStamp(ctx.stamp);
  await ctx.api.writeFile(ctx.opts.sprite, inProject(STAMP_FILE), text, { mode: 0o600 });
  ctx.uploadedBytes += Buffer.byteLength(text);
}
