import { SpriteError } from "../sprite-error.js";
import type { SpritesApi } from "../sprites-api.js";
import type { CodeSnapshot } from "./code-snapshot.js";
import { newContext, type UpOptions } from "./context.js";
import { result, runStep } from "./converge.js";
import type { StepEvent, UpResult } from "./events.js";
import { StepFailure } from "./failure.js";
import { inProject, STAMP_FILE } from "./layout.js";
import { layoutUndone, parseStamp } from "./stamp.js";
import { codeStep, layoutStep } from "./steps-files.js";

/**
 * `manifest sprite push`: the code step's fast path for a project edited locally. The stamp
 * is read straight from the file (no facts command); the files go only when they differ from
 * what was last unpacked; then the app restarts. Everything else stays as `up` left it.
 */
export async function push(
  api: SpritesApi,
  opts: UpOptions,
  code: CodeSnapshot,
  emit: (event: StepEvent) => void,
): Promise<UpResult> {
  const started = performance.now();
  const ctx = newContext(api, opts);
  let failure = await runStep(
    ctx,
    "code",
    async () => {
      const stamp = parseStamp(JSON.parse((await readStamp(api, opts.sprite)).toString("utf8")));
      if (!stamp) throw notSetUp(opts.sprite);
      ctx.stamp = stamp;
      ctx.facts = { ...ctx.facts, files: true };
      // Only the code's hash is wanted: the other steps are not looked at.
      ctx.desired = { package: "", layout: "", model: "", bridge: "", app: "", ...stamp.steps, code: code.tree };
      return codeStep(ctx, code);
    },
    emit,
  );
  // Files init changed there (the entry's import) arrived again as they are here.
  if (!failure && ctx.changed.has("code") && layoutUndone(ctx.stamp.layoutTouched, code.blobs))
    failure = await runStep(ctx, "layout", () => layoutStep(ctx), emit);
  if (!failure && ctx.changed.has("code")) {
    failure = await runStep(
      ctx,
      "services",
      async () => {
        await api.restartService(opts.sprite, "app");
        return { changed: true, detail: "app restarted" };
      },
      emit,
    );
  }
  return result(ctx, started, failure, "push");
}

async function readStamp(api: SpritesApi, sprite: string): Promise<Buffer> {
  try {
    return await api.readFile(sprite, inProject(STAMP_FILE));
  } catch (error) {
    if (error instanceof SpriteError && error.kind === "not-found" && !/no Sprite named/i.test(error.message))
      throw notSetUp(sprite);
    throw error;
  }
}

function notSetUp(sprite: string): StepFailure {
  return new StepFailure(
    "code",
    `Sprite "${sprite}" has not been set up by \`manifest sprite up\` (it has no stamp).`,
    "reading .spark/sprite-stamp.json",
    "",
    `Run \`manifest sprite up ${sprite}\` first.`,
  );
}
