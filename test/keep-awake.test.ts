import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AwakeNotice } from "../sidecar/awake-rules.js";
import { keepAwake, type WorkSignal } from "../sidecar/keep-awake.js";
import { findSpriteApiSocket, spriteTasks } from "../sidecar/sprite-tasks.js";
import { startTasksApi, type TasksApi } from "./fake-sprites/tasks-api.js";
import { waitFor } from "./helpers/processes.js";

// The keep-awake loop and its client against the fake Sprite's Tasks API on a real unix
// socket (the same HTTP the sidecar speaks in a Sprite); the agent's work is a flag here
// (test/sprite-awake.test.ts drives it with the real bridge and Pi).

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "spark-awake-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function tasksApi(): Promise<TasksApi> {
  const api = await startTasksApi(tempDir());
  cleanups.push(() => api.close());
  return api;
}

/**
 * A unix socket that answers every request with `api.status` (never, while it is 0; 201/204
 * once it is 200), except `only`, which it accepts.
 */
async function brokenApi(
  status: number,
  only?: string,
): Promise<{ socket: string; methods: string[]; status: number }> {
  const socket = join(tempDir(), "api.sock");
  const api = { socket, methods: [] as string[], status };
  const server: Server = createServer((req, res) => {
    api.methods.push(req.method ?? "");
    req.resume();
    if (api.status === 0) return;
    if (api.status === 200 || req.method === only) return void res.writeHead(req.method === "DELETE" ? 204 : 201).end();
    res.writeHead(api.status, { "content-type": "application/json" }).end('{"error":"down for\n  maintenance"}');
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return api;
}

function workFlag(): WorkSignal & { set(working: boolean): void } {
  let working = false;
  const listeners = new Set<() => void>();
  return {
    working: () => working,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(value) {
      working = value;
      for (const l of listeners) l();
    },
  };
}

const fast = { task: "spark-sidecar", expireSeconds: 2, refreshMs: 150 };

describe("findSpriteApiSocket", () => {
  it("finds the socket it is told of, and nothing where there is none or it is not a socket", async () => {
    const api = await tasksApi();
    expect(findSpriteApiSocket({ SPARK_SPRITE_API_SOCKET: api.socket })).toBe(api.socket);
    const file = join(tempDir(), "api.sock");
    writeFileSync(file, "");
    expect(findSpriteApiSocket({ SPARK_SPRITE_API_SOCKET: file })).toBeUndefined();
    expect(findSpriteApiSocket({ SPARK_SPRITE_API_SOCKET: join(tempDir(), "none.sock") })).toBeUndefined();
  });
});

describe("spriteTasks (the Tasks API client)", () => {
  it("holds, refreshes and releases a task; releasing one that is gone is fine", async () => {
    const api = await tasksApi();
    const tasks = spriteTasks(api.socket);
    await tasks.hold("spark-sidecar", 60);
    const first = api.tasks.get("spark-sidecar")?.expiresAt ?? 0;
    expect(api.holding()).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    await tasks.hold("spark-sidecar", 60);
    expect(api.tasks.get("spark-sidecar")?.expiresAt).toBeGreaterThan(first);
    await tasks.release("spark-sidecar");
    expect(api.holding()).toBe(false);
    await tasks.release("spark-sidecar");
    expect(api.calls.map((c) => `${c.method} ${c.status}`)).toEqual(["PUT 200", "PUT 200", "DELETE 204", "DELETE 404"]);
  });

  it("creates with POST where PUT is not known", async () => {
    const api = await brokenApi(405, "POST");
    await spriteTasks(api.socket).hold("spark-sidecar", 60);
    expect(api.methods).toEqual(["PUT", "POST"]);
  });

  it("fails with the status and the body on one line, or after its timeout on a socket that never answers", async () => {
    const down = await brokenApi(503);
    await expect(spriteTasks(down.socket).hold("spark-sidecar", 60)).rejects.toThrow(
      'PUT /v1/tasks/spark-sidecar answered 503: {"error":"down for maintenance"}',
    );
    const hung = await brokenApi(0);
    await expect(spriteTasks(hung.socket, 100).release("spark-sidecar")).rejects.toThrow("no answer in 100 ms");
  });
});

describe("keepAwake (the loop)", () => {
  it("holds while working, refreshes before the task expires, and releases when idle", async () => {
    const api = await tasksApi();
    const work = workFlag();
    const said: AwakeNotice[] = [];
    const awake = keepAwake(work, spriteTasks(api.socket), (n) => said.push(n), fast);
    cleanups.push(() => awake.stop());
    expect(api.calls).toEqual([]);
    work.set(true);
    await waitFor(() => api.holding(), "the task held", 5000, 10);
    // Held past its 2 s expiry: only refreshes can do that.
    await new Promise((r) => setTimeout(r, 2500));
    expect(api.holding()).toBe(true);
    expect(api.calls.filter((c) => c.method === "PUT").length).toBeGreaterThanOrEqual(3);
    work.set(false);
    await waitFor(() => !api.holding(), "the task released", 5000, 10);
    expect(api.calls.at(-1)).toMatchObject({ method: "DELETE", status: 204 });
    expect(said).toEqual([]);
  });

  it("releases the task when stopped mid-run, and calls nothing more after", async () => {
    const api = await tasksApi();
    const work = workFlag();
    const awake = keepAwake(work, spriteTasks(api.socket), () => {}, fast);
    work.set(true);
    await waitFor(() => api.holding(), "the task held", 5000, 10);
    await awake.stop();
    expect(api.holding()).toBe(false);
    const calls = api.calls.length;
    work.set(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(api.calls.length).toBe(calls);
  });

  it("says a failing API once, keeps trying while working, and says when it answers again", async () => {
    const down = await brokenApi(503);
    const work = workFlag();
    const said: AwakeNotice[] = [];
    const awake = keepAwake(work, spriteTasks(down.socket), (n) => said.push(n), fast);
    cleanups.push(() => awake.stop());
    work.set(true);
    await waitFor(() => down.methods.length >= 4, "several tries", 5000, 10);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: "warning", text: expect.stringMatching(/answered 503.*goes on/) });
    down.status = 200;
    await waitFor(() => said.length === 2, "the recovery notice", 5000, 10);
    expect(said[1]).toEqual({ level: "info", text: expect.stringMatching(/answers again/) });
    const tries = down.methods.length;
    await new Promise((r) => setTimeout(r, 400));
    // Held and refreshed again, quietly.
    expect(down.methods.length).toBeGreaterThan(tries);
    expect(said).toHaveLength(2);
  });
});
