import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { busPaths } from "../bus/paths.js";
import { RESUME_NOTE } from "../sidecar/resume.js";
import { type ChatRequest, type MockModel, mockModelsJson, startMockModel } from "./fakes/mock-openai.js";
import { newToken } from "./helpers/bridge.js";
import { CLI } from "./helpers/cli.js";
import { type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { freePort } from "./helpers/sprite-up.js";

// A Sprite that sleeps and wakes, restarts its bridge service, and reboots, with the real
// bridge (`manifest sidecar --web --headless`, Pi, the mock model on 127.0.0.1) as its
// service in the fake Sprites server, reached through the Sprite's URL: the sidecar carries on
// its session each time, and a run cut by a stop is carried on too.

const NAME = "wake";
const HOME = "/home/sprite";
const STARTUP_MS = 40_000;

let scene: SpritesScene;
let model: MockModel;
let url: string;
let root: string;
const token = newToken();

beforeAll(async () => {
  requireBuild();
  scene = await spritesScene();
  model = await startMockModel();
  await scene.api.create(NAME);
  const sprite = scene.fake.sprite(NAME);
  if (!sprite) throw new Error("no sprite");
  url = sprite.url;
  // The project and Pi's own setup (~/.pi/agent) where a Sprite has them.
  root = join(sprite.root, HOME, "app");
  mkdirSync(join(root, "config"), { recursive: true });
  writeFileSync(join(root, "package.json"), '{"name":"app"}');
  writeFileSync(join(root, "config/spark.ts"), "export default { debounce: { windowMs: 50 } };\n");
  const agent = join(sprite.root, HOME, ".pi/agent");
  mkdirSync(agent, { recursive: true });
  writeFileSync(join(agent, "models.json"), mockModelsJson(model));
  writeFileSync(join(agent, "settings.json"), JSON.stringify({ retry: { enabled: false } }));
  const port = await freePort();
  await scene.api.startService(NAME, {
    name: "bridge",
    cmd: process.execPath,
    args: [CLI, "sidecar", "--headless", "--web", "--port", String(port), "--model", "mock/mock-model"],
    dir: `${HOME}/app`,
    httpPort: port,
    env: { SPARK_WEB_TOKEN: token, PI_OFFLINE: "1", NO_PROXY: "127.0.0.1,localhost" },
  });
}, STARTUP_MS);

afterAll(async () => {
  // A tool's loop a failed test left behind ends once its gate exists.
  for (const gate of ["gate-restart", "gate-reboot"]) if (root) writeFileSync(join(root, gate), "");
  await new Promise((resolve) => setTimeout(resolve, 200));
  await scene?.fake.close();
  await model?.close();
});

/** A call to the bridge through the Sprite's URL (which wakes it). */
async function bridge(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: response.status, json };
}

/** The bridge's state once it answers (a bridge starting after a wake answers 502 first). */
const stateWhenUp = () =>
  waitFor(
    async () => {
      const r = await bridge("GET", "/starter/state");
      return r.status === 200 ? r.json : undefined;
    },
    "the bridge through the Sprite's URL",
    STARTUP_MS,
    200,
  );

const idle = () =>
  waitFor(async () => (await bridge("GET", "/starter/state")).json.status === "idle", "the agent idle", STARTUP_MS);

const messageTexts = async () =>
  JSON.stringify(((await bridge("GET", "/starter/messages?limit=200")).json as { messages: unknown[] }).messages);

const holding = () => scene.fake.sprite(NAME)?.tasksApi?.holding() ?? false;
const userText = (r: ChatRequest) => JSON.stringify(r.messages.filter((m) => m.role === "user"));

/** Whether a process whose command line holds `text` runs on this machine. */
function running(text: string): boolean {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .some((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    });
}

describe("a Sprite's sidecar across sleep, wake, a service restart and a reboot", () => {
  beforeEach(() => {
    onTestFailed(() => {
      const log = join(scene.fake.sprite(NAME)?.root ?? "", ".sprite/logs/services/bridge.log");
      if (existsSync(log)) console.error(readFileSync(log, "utf8").slice(-6000));
    });
  });

  it(
    "sleeps only when idle, and after the wake continues the same session with what was said",
    async () => {
      const first = await stateWhenUp();
      let heldWhileAsked: boolean | undefined;
      model.push(() => {
        heldWhileAsked = holding();
        return { text: "noted: kiwi" };
      });
      expect((await bridge("POST", "/starter/prompt", { message: "remember the word kiwi" })).status).toBe(202);
      await waitFor(async () => (await messageTexts()).includes("noted: kiwi"), "the answer", STARTUP_MS);
      await idle();
      expect(heldWhileAsked).toBe(true);
      await waitFor(() => !holding(), "the task released");

      expect(await scene.fake.sleep(NAME)).toBe(true);
      expect((await scene.api.get(NAME)).status).toBe("cold");
      // The URL wakes it; the bridge starts again in the same project.
      const woken = await stateWhenUp();
      expect(woken.boot).not.toBe(first.boot);
      expect(woken.session).toEqual(first.session);
      expect(await messageTexts()).toContain("remember the word kiwi");
      model.push((request) => ({ text: userText(request).includes("kiwi") ? "the word was kiwi" : "what word?" }));
      await bridge("POST", "/starter/prompt", { message: "which word?" });
      await waitFor(async () => (await messageTexts()).includes("the word was kiwi"), "an answer from the old context");
      await idle();
    },
    4 * STARTUP_MS,
  );

  it(
    "will not sleep mid-run, and a service restart mid-run carries the run on in the same session",
    async () => {
      const before = await stateWhenUp();
      const gate = join(root, "gate-restart");
      model.push({ tool: "bash", args: { command: `while [ ! -f ${gate} ]; do sleep 0.05; done` } });
      await bridge("POST", "/starter/prompt", { message: "fix create-user" });
      await waitFor(() => running(gate), "the tool's process");
      expect(holding()).toBe(true);
      expect(await scene.fake.sleep(NAME)).toBe(false);

      const asked = model.requests.length;
      model.push((request) => ({ text: userText(request).includes("stopped in the middle") ? "carried on" : "?" }));
      await scene.api.restartService(NAME, "bridge");
      // The stop ended the tool's process with the run (it used to keep the sidecar alive).
      expect(running(gate)).toBe(false);
      const after = await stateWhenUp();
      expect(after.session).toEqual(before.session);
      await waitFor(async () => (await messageTexts()).includes("carried on"), "the run carried on", STARTUP_MS);
      expect(userText(model.requests[asked] as ChatRequest)).toContain(RESUME_NOTE.slice(0, 40));
      await idle();
      await waitFor(() => !holding(), "the task released");
    },
    4 * STARTUP_MS,
  );

  it(
    "a reboot mid-batch: the claimed event is not lost, the agent carries the batch on, once",
    async () => {
      const before = await stateWhenUp();
      const paths = busPaths(root);
      const gate = join(root, "gate-reboot");
      model.push({ tool: "bash", args: { command: `while [ ! -f ${gate} ]; do sleep 0.05; done` } });
      const id = emitEvent(
        paths,
        { type: "server-error", feature: "create-user", error: new Error("boom") },
        { environment: "development", host: "t", pid: 1 },
      ).id;
      await waitFor(() => running(gate), "the batch's tool", STARTUP_MS);
      const claimed = () => readdirSync(paths.claimed).flatMap((owner) => readdirSync(join(paths.claimed, owner)));
      expect(claimed()).toContain(`${id}.json`);

      const asked = model.requests.length;
      model.push((request) => ({
        text: userText(request).includes("stopped in the middle") ? "fixed after all" : "?",
      }));
      await scene.fake.reboot(NAME);
      writeFileSync(gate, ""); // a tool process the reboot left (the fake's VM is this host) ends
      const after = await stateWhenUp();
      expect(after.session).toEqual(before.session);
      await waitFor(async () => (await messageTexts()).includes("fixed after all"), "the batch carried on", STARTUP_MS);
      await waitFor(() => existsSync(join(paths.delivered, `${id}.json`)), "the event delivered");
      expect(claimed()).toEqual([]);
      // The model saw the batch once in the conversation it carried on.
      const carried = model.requests.slice(asked);
      expect(carried.every((r) => userText(r).split(id).length - 1 <= 1)).toBe(true);
      expect(userText(carried[0] as ChatRequest)).toContain(id);
      await idle();
    },
    4 * STARTUP_MS,
  );
});
