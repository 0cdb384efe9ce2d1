import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpriteError } from "../bootstrap/sprite-error.js";
import { type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { waitFor } from "./helpers/processes.js";

// SDK 0.1.0 drops an exec socket that carries no message for 45 s. These two tests wait that
// out for real (side by side, so the file takes ~50 s): nothing can speed up the SDK's clock.
let scene: SpritesScene;
beforeAll(async () => {
  scene = await spritesScene();
  await scene.api.create("quiet");
});
afterAll(async () => {
  await scene.fake.close();
});

describe("commands quiet for longer than the SDK's 45 s keepalive", () => {
  it.concurrent("a command silent for 50 s finishes, its stderr free of the heartbeat", async () => {
    const result = await scene.api.run("quiet", "sleep 50; echo done");
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout.toString()).toBe("done\n");
    expect(result.stderr.toString()).toBe("");
  }, 90_000);

  it.concurrent("a connection that goes silent is reported as such, and its socket closed", async () => {
    scene.fake.faults.addExec({ kind: "silence", match: "silent-marker", silenceMs: 80_000 });
    const error = await scene.api.exec("quiet", ["echo", "silent-marker"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpriteError);
    expect((error as SpriteError).kind).toBe("keepalive");
    expect((error as SpriteError).message).toContain('The connection to Sprite "quiet" went quiet for 45 s');
    await waitFor(() => scene.fake.openExecSockets("silent-marker") === 0, "the silent socket closed");
  }, 90_000);
});
