import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpOptions } from "../bootstrap/up/context.js";
import type { UpStep } from "../bootstrap/up/events.js";
import { type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { leftoverUploads, removeProject, runUp, STANDIN_ENV, upOptions, upProject } from "./helpers/sprite-up.js";

// A fault at each step of `up`, injected through the fake: the run stops there with a failure
// that names the step, the command, its stderr and the log; the next run goes on, and the
// Sprite ends as if nothing had gone wrong (one service of each name, no upload left behind).
let scene: SpritesScene;
let root: string;
let opts: UpOptions;
beforeAll(async () => {
  scene = await spritesScene({ baseEnv: STANDIN_ENV });
  root = await upProject();
  opts = await upOptions("faulty", root);
});
afterAll(async () => {
  await scene?.fake.close();
  if (root) removeProject(root);
});

const many = 50;
const FAULTS: Array<[UpStep, (s: SpritesScene) => void, RegExp]> = [
  [
    "sprite",
    (s) => s.fake.faults.addHttp({ method: "GET", path: /^\/v1\/sprites\/faulty$/, status: 500, times: many }),
    /500|server/i,
  ],
  [
    "runtime",
    (s) => s.fake.faults.addExec({ kind: "fail", match: "node -e", stderr: "node: killed\n", times: many }),
    /node: killed/,
  ],
  [
    "code",
    (s) =>
      s.fake.faults.addExec({
        kind: "fail",
        match: "sprite-incoming",
        stderr: "tar: short read\n",
        exitCode: 2,
        times: many,
      }),
    /tar: short read/,
  ],
  [
    "package",
    (s) =>
      s.fake.faults.addExec({ kind: "fail", match: "npm install", stderr: "npm ERR! code ECONNRESET\n", times: many }),
    /ECONNRESET/,
  ],
  [
    "layout",
    (s) => s.fake.faults.addExec({ kind: "fail", match: "spark init", stderr: "init: config invalid\n", times: many }),
    /config invalid/,
  ],
  [
    "model",
    (s) =>
      s.fake.faults.addHttp({ method: "PUT", path: /\/fs\/write$/, query: /bridge\.env/, status: 500, times: many }),
    /writing .*bridge\.env/,
  ],
  [
    "services",
    (s) => s.fake.faults.addHttp({ method: "PUT", path: /\/services\/app$/, status: 500, times: many }),
    /500|server/i,
  ],
  ["ready", (s) => s.fake.faults.addUrl({ status: 502, body: "edge: no route\n", times: 10_000 }), /HTTP 502/],
];

describe("sprite up, interrupted at each step", () => {
  it.each(FAULTS)(
    "stops at %s with a failure that says what and where, and keeps what was done",
    async (step, arm, shows) => {
      scene.fake.faults.clear();
      arm(scene);
      const { result, events } = await runUp(scene.api, step === "ready" ? { ...opts, readyTimeoutMs: 1500 } : opts);
      scene.fake.faults.clear();
      expect(result.ok).toBe(false);
      const failure = result.failure;
      expect(failure?.step).toBe(step);
      expect(`${failure?.message}\n${failure?.stderr}`).toMatch(shows);
      expect(failure?.command.length).toBeGreaterThan(0);
      expect(failure?.next).toMatch(/manifest sprite|again/);
      if (["code", "package", "layout"].includes(step))
        expect(failure?.log).toMatch(/^\/home\/sprite\/app\/\.spark\/logs\/bootstrap-.*\.log$/);
      expect(events.at(-1)).toMatchObject({ step, status: "failed" });
      // Steps before the failed one ran (or were verified); none after it.
      expect(events.some((e) => e.step === "ready" && e.status === "start")).toBe(step === "ready");
      expect(JSON.stringify(result)).not.toContain(opts.token);
    },
    120_000,
  );

  it("then completes, with one service of each name and nothing left in the upload folder", async () => {
    const { result } = await runUp(scene.api, opts);
    expect(result.failure).toBeNull();
    // What the failed runs had done is not done again.
    expect(result.changed).not.toContain("code");
    expect(result.changed).not.toContain("package");
    const spriteRoot = scene.fake.sprite("faulty")?.root ?? "";
    expect((await scene.api.services("faulty")).map((s) => s.name).sort()).toEqual(["app", "bridge"]);
    expect(leftoverUploads(spriteRoot)).toEqual([]);
    const app = join(spriteRoot, "home/sprite/app");
    expect(existsSync(join(app, ".spark/sprite-incoming"))).toBe(false);
    expect(readdirSync(join(app, ".spark")).filter((f) => /\.(new|tmp)$|replace/.test(f))).toEqual([]);
    const again = await runUp(scene.api, opts);
    expect(again.result.changed).toEqual([]);
  }, 120_000);
});
