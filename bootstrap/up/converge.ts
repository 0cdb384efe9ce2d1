import type { SpritesApi } from "../sprites-api.js";
import type { CodeSnapshot } from "./code-snapshot.js";
import { newContext, type UpContext, type UpOptions } from "./context.js";
import type { StepEvent, UpResult, UpStep } from "./events.js";
import { asStepFailure, StepFailure } from "./failure.js";
import { inProject } from "./layout.js";
import type { PackageSource } from "./package-source.js";
import type { BridgeVersions } from "./readiness.js";
import { codeStep, layoutStep, packageStep } from "./steps-files.js";
import { readyStep, servicesStep } from "./steps-services.js";
import { modelStep, runtimeStep, type StepOutcome, spriteStep } from "./steps-setup.js";

/** What `up` works from, prepared locally before any call to the Sprite. */
export interface LocalState {
  code: CodeSnapshot;
  pkg: PackageSource;
  /** The versions the bridge must report once it runs this package (those known). */
  expected: Partial<BridgeVersions>;
}

/** What each step is called while it runs (the failure's `command` when nothing more precise is known). */
const DOING: Record<UpStep, string> = {
  sprite: "looking up (or creating) the Sprite",
  runtime: "reading the Sprite's state",
  code: "sending the project's files",
  package: "installing manifest-spark and the tools",
  layout: "setting Spark up in the project",
  model: "writing the model's settings",
  services: "starting the services",
  ready: "asking the bridge for its state",
};

/**
 * `manifest sprite up`: each step checks the Sprite against what it should be and acts only
 * when it differs, in order; `emit` hears every step start and end. The first failure stops
 * the run (the stamp keeps what was done, so the next run goes on from there) and is in the
 * result, never thrown.
 */
export async function converge(
  api: SpritesApi,
  opts: UpOptions,
  local: LocalState,
  emit: (event: StepEvent) => void,
): Promise<UpResult> {
  const started = performance.now();
  const ctx = newContext(api, opts);
  const steps: Array<[UpStep, () => Promise<StepOutcome>]> = [
    ["sprite", () => spriteStep(ctx)],
    ["runtime", () => runtimeStep(ctx, local)],
    ["code", () => codeStep(ctx, local.code)],
    ["package", () => packageStep(ctx, local.pkg)],
    ["layout", () => layoutStep(ctx)],
    ["model", () => modelStep(ctx)],
    ["services", () => servicesStep(ctx)],
    ["ready", () => readyStep(ctx, local.expected)],
  ];
  let failure: StepFailure | undefined;
  for (const [step, run] of steps) {
    failure = await runStep(ctx, step, run, emit);
    if (failure) break;
  }
  if (!failure && !opts.key && ctx.watchOnly)
    ctx.notes.push(
      "No API key was given (--key-from-env NAME): the sidecar in the Sprite only watches; events wait on disk.",
    );
  return result(ctx, started, failure);
}

/** Runs one step with its events; its failure (with the log named once a command wrote one) is returned. */
export async function runStep(
  ctx: UpContext,
  step: UpStep,
  run: () => Promise<StepOutcome>,
  emit: (event: StepEvent) => void,
): Promise<StepFailure | undefined> {
  const t0 = performance.now();
  emit({ type: "step", step, status: "start" });
  try {
    const outcome = await run();
    if (outcome.changed) ctx.changed.add(step);
    emit({
      type: "step",
      step,
      status: outcome.changed ? "changed" : "unchanged",
      ms: Math.round(performance.now() - t0),
      ...(outcome.detail ? { detail: outcome.detail } : {}),
    });
    return undefined;
  } catch (error) {
    let failure = asStepFailure(step, error, DOING[step], ctx.secrets);
    if (!failure.log && ctx.logUsed)
      failure = new StepFailure(
        failure.step,
        failure.message,
        failure.command,
        failure.stderr,
        failure.next,
        inProject(ctx.logFile),
      );
    emit({ type: "step", step, status: "failed", ms: Math.round(performance.now() - t0), detail: failure.message });
    return failure;
  }
}

export function result(
  ctx: UpContext,
  started: number,
  failure: StepFailure | undefined,
  type: UpResult["type"] = "up",
): UpResult {
  return {
    type,
    ok: failure === undefined,
    sprite: ctx.opts.sprite,
    url: ctx.sprite?.url ?? null,
    changed: [...ctx.changed],
    ms: Math.round(performance.now() - started),
    uploadedBytes: ctx.uploadedBytes,
    watchOnly: ctx.watchOnly,
    notes: ctx.notes,
    failure: failure ? failure.toJSON() : null,
  };
}
