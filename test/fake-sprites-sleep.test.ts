import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { waitFor } from "./helpers/processes.js";
import { freePort } from "./helpers/sprite-up.js";

// The fake's sleep and wake (test/fake-sprites/sleep.ts), which test/sprite-wake.test.ts
// relies on: it sleeps only when the real one could, drops its processes, and starts its
// services again on the next API call or URL hit.

let scene: SpritesScene;
beforeAll(async () => {
  scene = await spritesScene();
});
afterAll(async () => {
  await scene.fake.close();
});

const pidOf = async (sprite: string, service: string) =>
  (await scene.api.services(sprite)).find((s) => s.name === service)?.pid;

describe("the fake Sprites server's sleep and wake", () => {
  it("will not sleep while a command runs or a task holds it", async () => {
    await scene.api.create("busy");
    const command = scene.api.run("busy", "sleep 1");
    await waitFor(() => (scene.fake.sprite("busy")?.processes.size ?? 0) > 0, "the command");
    expect(await scene.fake.sleep("busy")).toBe(false);
    await command;
    const tasks = scene.fake.sprite("busy")?.tasksApi;
    tasks?.tasks.set("work", { name: "work", startedAt: Date.now(), expiresAt: Date.now() + 60_000 });
    expect(await scene.fake.sleep("busy")).toBe(false);
    tasks?.tasks.clear();
    expect(await scene.fake.sleep("busy")).toBe(true);
    expect((await scene.api.get("busy")).status).toBe("cold");
  });

  it("drops its services' processes, and a URL hit starts again those that ran (a stopped one stays stopped)", async () => {
    await scene.api.create("nap");
    const port = await freePort();
    const serve = `require("node:http").createServer((q, s) => s.end("up")).listen(${port}, "127.0.0.1")`;
    await scene.api.startService("nap", { name: "web", cmd: process.execPath, args: ["-e", serve], httpPort: port });
    await scene.api.startService("nap", { name: "idle", cmd: "sleep", args: ["600"] });
    await scene.fake.sprite("nap")?.services.stop("idle");
    const url = scene.fake.sprite("nap")?.url ?? "";
    await waitFor(async () => (await fetch(url).catch(() => undefined))?.status === 200, "the web service");
    const before = await pidOf("nap", "web");

    expect(await scene.fake.sleep("nap")).toBe(true);
    expect(scene.fake.sprite("nap")?.processes.size).toBe(0);
    const body = await waitFor(async () => {
      const answer = await fetch(url).catch(() => undefined);
      return answer?.status === 200 ? answer.text() : undefined;
    }, "the web service after the wake");
    expect(body).toBe("up");
    expect(await pidOf("nap", "web")).not.toBe(before);
    expect((await scene.api.services("nap")).find((s) => s.name === "idle")?.status).toBe("stopped");
  });
});
