import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { snapshotCode } from "../bootstrap/up/code-snapshot.js";
import type { UpOptions } from "../bootstrap/up/context.js";
import type { LocalState } from "../bootstrap/up/converge.js";
import { readPackageSource } from "../bootstrap/up/package-source.js";
import { BUS_PROTOCOL } from "../bootstrap/up/readiness.js";
import { PI_VERSION } from "../cli/_sprite-up.js";
import { HELLO_APP_FIX_EDIT } from "../sidecar/replay-model.js";
import { lastUserText, type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { type EventClient, openEvents, piEvent } from "./helpers/bridge.js";
import { recordedUrls, type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { helloAppRepo, realPackageByReference, removeDir } from "./helpers/sprite-real-package.js";
import { runUp, upOptions } from "./helpers/sprite-up.js";

// Issue 14's story end to end, with nothing stood in for but the cloud and the model: `up`
// installs manifest-spark (this checkout's build, by reference) in a fake Sprite, the real
// bridge (`manifest sidecar --web --headless --proxy-app`) answers through the Sprite's URL,
// the example app's bug is hit through the bridge's proxy, and the real Pi SDK in the
// Sprite, told by `up` where the scripted model is, fixes the file with Pi's edit tool.
let scene: SpritesScene;
let model: MockModel;
let root: string;
let pkgDir: string;
let opts: UpOptions;
let events: EventClient | undefined;
const sprite = "e2ebox";

beforeAll(async () => {
  requireBuild();
  // The base image's settings: Pi never reaches for the network here.
  scene = await spritesScene({ baseEnv: { PI_OFFLINE: "1" } });
  model = await startMockModel();
  root = await helloAppRepo();
  pkgDir = realPackageByReference();
  opts = await upOptions(sprite, root, {
    model: "mock/mock-model",
    modelUrl: model.baseUrl,
    key: { name: "SPARK_TEST_MODEL_KEY", value: model.apiKey },
  });
}, 60_000);

afterAll(async () => {
  events?.close();
  await scene?.fake.close();
  await model?.close();
  if (root) removeDir(root);
  if (pkgDir) removeDir(pkgDir);
});

/** The app's `POST /users` through the Sprite's URL and the bridge's proxy. */
async function createUserThroughSprite(name: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${scene.fake.sprite(sprite)?.url}/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/json", "x-request-id": "req-e2e" },
    body: JSON.stringify({ name }),
  });
  return { status: response.status, text: await response.text() };
}

/** What `up` sends: the app's committed files and the package by reference, with the versions the CLI expects. */
async function localOf(): Promise<LocalState> {
  const pkg = readPackageSource(pkgDir);
  return {
    code: await snapshotCode(root, { includeDirty: false }),
    pkg,
    expected: { bridge: pkg.version, pi: PI_VERSION, busProtocol: BUS_PROTOCOL },
  };
}

/** The service's log in the fake Sprite (for a failure's message). */
const serviceLog = (name: string) => {
  try {
    return readFileSync(join(scene.fake.sprite(sprite)?.root ?? "", `.sprite/logs/services/${name}.log`), "utf8");
  } catch {
    return "(no log)";
  }
};

describe("manifest sprite up, end to end with the real bridge", () => {
  it("sets the Sprite up; the bug hit through its URL is fixed there by the sidecar, live on the stream", async () => {
    onTestFailed(() => console.error(`bridge log:\n${serviceLog("bridge")}\napp log:\n${serviceLog("app")}`));
    const local = await localOf();
    const { pkg } = local;
    const { result } = await runUp(scene.api, opts, local);
    expect(result.failure).toBeNull();
    expect(result.watchOnly).toBeNull();
    expect(result.changed).toEqual(["sprite", "code", "package", "layout", "model", "services", "ready"]);
    const url = result.url ?? "";
    const bridge = { url, token: opts.token };

    // The real bridge, through the Sprite's URL, with its token only.
    const refused = await fetch(`${url}/starter/state`, { headers: { authorization: "Bearer not-the-token-at-all" } });
    expect(refused.status).toBe(401);
    const state = (await (
      await fetch(`${url}/starter/state`, { headers: { authorization: `Bearer ${opts.token}` } })
    ).json()) as Record<string, unknown>;
    expect(state).toMatchObject({
      versions: { bridge: pkg.version, pi: PI_VERSION, busProtocol: BUS_PROTOCOL },
      watchOnly: null,
      app: { port: opts.appPort },
    });
    // The inspect database the layout step made, served by the bridge.
    const inspect = await fetch(`${url}/starter/inspect`, { headers: { authorization: `Bearer ${opts.token}` } });
    expect(inspect.status).toBe(200);
    expect(await inspect.json()).toEqual({ integrations: [], services: [], assets: [] });
    events = await openEvents(bridge);

    // What the scripted model answers to the event (ready before the bug is hit: the sidecar may ask at once).
    let prompt = "";
    model.push(
      (request) => {
        prompt = lastUserText(request);
        return { tool: "edit", args: HELLO_APP_FIX_EDIT };
      },
      { text: "Fixed: create-user handles a name without a last name." },
    );

    // The bug, through the proxy (the app starts beside the bridge: wait until it answers).
    const failed = await waitFor(
      async () => {
        const r = await createUserThroughSprite("Ada");
        return r.status === 500 ? r : undefined;
      },
      "the app's 500 through the Sprite's URL",
      30_000,
      100,
    );
    expect(JSON.parse(failed.text)).toMatchObject({ message: "Internal Server Error" });

    // The sidecar in the Sprite gets the event and fixes the file: the model sees the stack.
    const news = await events.next(
      (m) => m.event === "bus" && m.json.type === "server-error" && m.json.change === "new",
      "the 500 on the bus, on the stream",
      30_000,
    );
    const edit = await events.next(
      piEvent("tool_execution_end", (j) => j.toolName === "edit"),
      "the edit, on the stream",
      60_000,
    );
    expect(edit.json.isError).toBe(false);
    await events.next(piEvent("agent_end"), "the end of the run, on the stream", 30_000);
    expect(prompt).toContain("features/create-user.js");
    const fixedFile = join(scene.fake.sprite(sprite)?.root ?? "", "home/sprite/app/features/create-user.js");
    expect(readFileSync(fixedFile, "utf8")).toContain('(last ?? "").toUpperCase()');
    expect(model.remaining()).toBe(0);

    // The app restarted on the fix (node --watch): the same request now succeeds.
    const fixed = await waitFor(
      async () => {
        const r = await createUserThroughSprite("Ada");
        return r.status === 200 ? r : undefined;
      },
      "the same request to answer 200 after the fix",
      30_000,
      100,
    );
    expect(JSON.parse(fixed.text)).toMatchObject({ status: 200 });
    await events.next(
      (m) => m.event === "bus" && m.json.id === news.json.id && m.json.state === "delivered",
      "the event delivered, on the stream",
      30_000,
    );
  }, 90_000);

  it("changes nothing on a second run against the real bridge, with reads only", async () => {
    const before = scene.fake.requests.length;
    const { result } = await runUp(scene.api, opts, await localOf());
    expect(result.failure).toBeNull();
    expect(result.changed).toEqual([]);
    expect(scene.fake.requests.slice(before).map((r) => r.method)).toEqual(["GET", "GET", "GET"]);
  }, 60_000);

  it("puts neither the bridge's token nor the model's key in a URL the fake recorded or a log in the Sprite", () => {
    const spriteRoot = scene.fake.sprite(sprite)?.root ?? "";
    const logDirs = [join(spriteRoot, "home/sprite/app/.spark/logs"), join(spriteRoot, ".sprite/logs/services")];
    const logs = logDirs.flatMap((dir) => readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")));
    expect(logs.length).toBeGreaterThan(2);
    const text = [recordedUrls(scene.fake), ...logs].join("\n");
    expect(text).not.toContain(opts.token);
    expect(text).not.toContain(model.apiKey);
  });
});
