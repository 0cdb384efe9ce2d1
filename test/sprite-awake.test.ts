import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTasksApi, type TasksApi } from "./fake-sprites/tasks-api.js";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { call, startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

// The real bridge (`manifest sidecar --web --headless`, Pi, the mock model on 127.0.0.1) with
// the fake Sprite's Tasks API on a real unix socket, found through SPARK_SPRITE_API_SOCKET as
// the fake Sprites tell their processes: a run holds the Sprite awake, idle lets it sleep.

const STARTUP_MS = 40_000;

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scene(socketEnv: (dir: string) => Promise<string>) {
  const { root } = tempProject({ "package.json": '{"name":"app"}', "config/spark.ts": "export default {};\n" });
  const dir = mkdtempSync(join(tmpdir(), "spark-sprite-sock-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const socket = await socketEnv(dir);
  const model = await startMockModel();
  cleanups.push(() => model.close());
  const sidecar = await startWebSidecar(root, model, { env: { SPARK_SPRITE_API_SOCKET: socket } });
  cleanups.push(async () => {
    await sidecar.stop();
  });
  return { root, model, sidecar };
}

/** One run that waits in a bash tool until `gate` exists, then ends with "fixed". */
function gatedRun(model: MockModel, gate: string, seen: { holding?: boolean }, tasks?: TasksApi) {
  model.push(
    () => {
      seen.holding = tasks?.holding();
      return { tool: "bash", args: { command: `while [ ! -f ${gate} ]; do sleep 0.05; done; echo through` } };
    },
    { text: "fixed" },
  );
}

const notices = (s: WebSidecar) => s.lines().filter((l) => l.type === "notice");
const runEnds = (s: WebSidecar) => s.lines().filter((l) => l.type === "run-end").length;

describe("manifest sidecar in a Sprite: keep-awake through the Tasks API", () => {
  it(
    "holds the Sprite awake for the whole run (a tool still running), and lets it sleep once idle",
    async () => {
      let tasks: TasksApi | undefined;
      const { root, model, sidecar } = await scene(async (dir) => {
        tasks = await startTasksApi(dir);
        return tasks.socket;
      });
      const api = tasks as TasksApi;
      cleanups.push(() => api.close());
      await waitFor(() => notices(sidecar).find((n) => /keeps it awake/.test(String(n.text))), "the Sprite notice");
      expect(api.calls).toEqual([]);

      const seen: { holding?: boolean } = {};
      const gate = join(root, "go");
      gatedRun(model, gate, seen, api);
      expect((await call(sidecar, "POST", "/starter/prompt", { message: "fix create-user" })).status).toBe(202);
      // The model was asked with the task already held, and the tool's wait holds it still.
      await waitFor(
        () => model.requests.length === 1 && sidecar.lines().some((l) => l.type === "tool-start"),
        "the tool",
      );
      expect(seen.holding).toBe(true);
      expect(api.holding()).toBe(true);
      expect(api.tasks.has("spark-sidecar")).toBe(true);

      writeFileSync(gate, "");
      await waitFor(() => runEnds(sidecar) === 1, "the run's end", STARTUP_MS);
      await waitFor(() => !api.holding(), "the task released", 10_000);
      expect(api.calls.at(-1)).toMatchObject({ method: "DELETE", name: "spark-sidecar", status: 204 });
      expect(api.calls.filter((c) => c.method === "PUT").every((c) => c.status === 200)).toBe(true);
      expect(notices(sidecar).filter((n) => n.level !== "info")).toEqual([]);

      // Stopped mid-run (a service restart): the task goes with it, not at its expiry.
      gatedRun(model, join(root, "never"), {}, api);
      await call(sidecar, "POST", "/starter/prompt", { message: "again" });
      await waitFor(() => api.holding(), "the second run's hold");
      const exit = await sidecar.stop();
      expect(exit.code).toBe(0);
      expect(api.holding()).toBe(false);
    },
    3 * STARTUP_MS,
  );

  it(
    "with no management socket (a laptop) says nothing of it and calls nothing",
    async () => {
      const { root, model, sidecar } = await scene(async (dir) => join(dir, "api.sock"));
      gatedRun(model, join(root, "go"), {});
      writeFileSync(join(root, "go"), "");
      await call(sidecar, "POST", "/starter/prompt", { message: "fix it" });
      await waitFor(() => runEnds(sidecar) === 1, "the run's end", STARTUP_MS);
      expect(notices(sidecar).filter((n) => /Sprite|keep-awake/.test(String(n.text)))).toEqual([]);
      expect(existsSync("/.sprite/api.sock")).toBe(false);
    },
    2 * STARTUP_MS,
  );

  it(
    "with a socket that fails says so once, and every run still goes through",
    async () => {
      let hits = 0;
      const { root, model, sidecar } = await scene(async (dir) => {
        const socket = join(dir, "api.sock");
        const server = createServer((req, res) => {
          hits++;
          req.resume();
          res.writeHead(500).end("management API restarting");
        });
        await new Promise<void>((resolve) => server.listen(socket, resolve));
        cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
        return socket;
      });
      for (const [n, message] of [
        [1, "fix it"],
        [2, "and again"],
      ] as const) {
        gatedRun(model, join(root, "go"), {});
        writeFileSync(join(root, "go"), "");
        expect((await call(sidecar, "POST", "/starter/prompt", { message })).status).toBe(202);
        await waitFor(() => runEnds(sidecar) === n, `run ${n}'s end`, STARTUP_MS);
      }
      expect(sidecar.lines().filter((l) => l.type === "assistant" && l.text === "fixed")).toHaveLength(2);
      expect(hits).toBeGreaterThanOrEqual(2);
      const warnings = notices(sidecar).filter((n) => n.level === "warning");
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]?.text)).toMatch(
        /keep-awake: could not keep the Sprite awake .*answered 500: management API restarting/,
      );
    },
    3 * STARTUP_MS,
  );
});
