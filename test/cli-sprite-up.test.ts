import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveBridgeToken } from "../bootstrap/up/bridge-token.js";
import type { UpOptions } from "../bootstrap/up/context.js";
import { stepEventSchema, upResultSchema } from "../bootstrap/up/events.js";
import { manifest } from "./helpers/cli.js";
import { type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { commitAll } from "./helpers/git.js";
import { messageSource, removeProject, runUp, STANDIN_ENV, upOptions, upProject } from "./helpers/sprite-up.js";

// The commands as a user runs them: `push` after an `up` (done in-process with the stand-in
// package, as `up` itself would install the real one), `status` comparing versions, and the
// argument errors that must stop `up` before it reaches the Sprite.
let scene: SpritesScene;
let root: string;
let xdg: string;
let opts: UpOptions;
beforeAll(async () => {
  scene = await spritesScene({ baseEnv: STANDIN_ENV });
  root = await upProject();
  xdg = mkdtempSync(join(tmpdir(), "spark-xdg-"));
  opts = await upOptions("upcli", root);
  const { result } = await runUp(scene.api, opts);
  if (!result.ok) throw new Error(`up failed: ${JSON.stringify(result.failure)}`);
  saveBridgeToken("upcli", opts.token, { XDG_CONFIG_HOME: xdg });
}, 120_000);
afterAll(async () => {
  await scene?.fake.close();
  if (root) removeProject(root);
  if (xdg) rmSync(xdg, { recursive: true, force: true });
});

const sprite = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  manifest(["sprite", ...args], root, {
    XDG_CONFIG_HOME: xdg,
    SPRITES_TOKEN: scene.fake.token,
    SPRITES_API_URL: scene.fake.url,
    ...env,
  });

describe("manifest sprite push, status and up's arguments", () => {
  it("push sends a change and restarts the app, as NDJSON steps and a result; then has nothing to send", async () => {
    writeFileSync(join(root, "src/message.mjs"), messageSource("pushed"));
    await commitAll(root, "pushed");
    const pushed = await sprite(["push", "upcli", "--json"]);
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    const lines = pushed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const line of lines.slice(0, -1)) expect(stepEventSchema.safeParse(line).success).toBe(true);
    const result = upResultSchema.parse(lines.at(-1));
    expect(result).toMatchObject({ type: "push", ok: true, changed: ["code", "services"] });
    const again = await sprite(["push", "upcli"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing changed/);
  }, 60_000);

  it("push to a Sprite `up` never set up says to run up first", async () => {
    await scene.api.create("bare");
    const pushed = await sprite(["push", "bare"]);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toContain("has not been set up by `manifest sprite up`");
    expect(pushed.stdout).toContain("manifest sprite up bare");
  }, 60_000);

  it("status names the versions the Sprite runs and what to run when they differ from this CLI's", async () => {
    const status = await sprite(["status", "upcli", "--json"]);
    expect(status.code).toBe(0);
    const doc = status.json<{ versions: { kind: string; differs: Array<{ what: string }> }; advice: string }>();
    // The stand-in package is not this CLI's build: the bridge version differs, and it says so.
    expect(doc.versions.kind).toBe("differs");
    expect(doc.versions.differs.map((d) => d.what)).toContain("bridge");
    expect(doc.advice).toContain("manifest sprite up upcli");
    const human = await sprite(["status", "upcli"]);
    expect(human.stdout).toMatch(/bridge 0\.0\.0-standin\.1.*run `manifest sprite up upcli` to update it/s);
    const unknown = await sprite(["status", "bare"]);
    expect(unknown.stdout).toContain("no bridge token is saved here");
  }, 60_000);

  it("up refuses bad arguments before any call to the Sprite, and never echoes a key", async () => {
    const before = scene.fake.requests.length;
    const noModel = await sprite(["up", "upcli", "--model-url", "http://127.0.0.1:9/v1"]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain("--model-url needs --model");
    const unset = await sprite(["up", "upcli", "--key-from-env", "SPARK_TEST_UNSET_KEY"]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("SPARK_TEST_UNSET_KEY is not set here");
    const value = await sprite(["up", "upcli", "--key-from-env", "sk-live-abcdef0123456789abcdef"]);
    expect(value.code).toBe(2);
    expect(value.stderr).not.toContain("sk-live-abcdef0123456789abcdef");
    const credentials = await sprite(["up", "upcli", "--model", "a/b", "--model-url", "http://user:pw@host/v1"]);
    expect(credentials.code).toBe(2);
    expect(scene.fake.requests.length).toBe(before);
  }, 60_000);
});
