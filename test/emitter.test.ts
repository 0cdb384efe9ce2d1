import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { finished, runNode, waitFor } from "./helpers/processes.js";
import { DIST, REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

const APP = join(REPO, "test/fixtures/emitter-app.mjs");
const ENTRY = join(DIST, "index.js");

beforeAll(requireBuild);

function pendingEvents(root: string): Array<Record<string, unknown>> {
  const dir = join(root, ".spark/events");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as Record<string, unknown>);
}

const run = (root: string, scenario: string, env: NodeJS.ProcessEnv = {}, entry = ENTRY) =>
  runNode([APP, scenario, entry], { cwd: root, env: { SPARK_ENABLED: "", SPARK_ENV: "", NODE_ENV: "", ...env } });

describe("process hooks", () => {
  it("record an uncaught exception and still end the process with Node's own exit code and message", async () => {
    const { root } = tempProject();
    const result = await run(root, "uncaught");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("TypeError: boom in a timer");
    const [event] = pendingEvents(root);
    expect(event).toMatchObject({ type: "unhandled-error", origin: "uncaughtException", environment: "development" });
    expect(event?.error).toMatchObject({ name: "TypeError", message: "boom in a timer" });
    expect((event?.error as { stack?: string } | undefined)?.stack).toContain("emitter-app.mjs");
  });

  it("record an unhandled rejection and still end the process", async () => {
    const { root } = tempProject();
    const result = await run(root, "rejection");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("nobody caught this promise");
    expect(pendingEvents(root)).toMatchObject([{ type: "unhandled-error", origin: "unhandledRejection" }]);
  });

  it("record a rejection the app handles itself, without changing what the app does", async () => {
    const { root } = tempProject();
    const result = await run(root, "rejection-handled");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("app saw: handled by the app's own listener");
    expect(result.stdout).toContain("still running");
    expect(pendingEvents(root)).toMatchObject([
      {
        type: "unhandled-error",
        origin: "unhandledRejection",
        error: { message: "handled by the app's own listener" },
      },
    ]);
  });

  it("respect watch.unhandledErrors: no event, same crash", async () => {
    const { root } = tempProject({ "config/spark.ts": "export default { watch: { unhandledErrors: false } };\n" });
    const result = await run(root, "uncaught");
    expect(result.code).toBe(1);
    expect(pendingEvents(root)).toEqual([]);
  });
});

describe("turning Spark off", () => {
  it("SPARK_ENABLED=0 loads no bus code at all", async () => {
    // A copy of the package without its core: if anything tried to load it, it would say so.
    const { root } = tempProject();
    const pkg = join(root, "pkg");
    cpSync(DIST, pkg, { recursive: true });
    rmSync(join(pkg, "emitter-core.js"));
    rmSync(join(pkg, "chunks"), { recursive: true });
    const off = await run(root, "uncaught", { SPARK_ENABLED: "0" }, join(pkg, "index.js"));
    expect(off.code).toBe(1);
    expect(off.stderr).not.toContain("[spark]");
    expect(existsSync(join(root, ".spark"))).toBe(false);
    // Control: switched on, the same copy does try to load the core (and says it cannot).
    const on = await run(root, "emit", {}, join(pkg, "index.js"));
    expect(on.stderr).toContain("[spark] Spark is off for this process: cannot load its core");
  });

  it("enabled: false in the config writes nothing", async () => {
    const { root } = tempProject({ "config/spark.ts": "export default { enabled: false };\n" });
    const result = await run(root, "emit");
    expect(JSON.parse(result.stdout)).toEqual({ id: null, enabled: false });
    expect(pendingEvents(root)).toEqual([]);
  });

  it("a broken config switches Spark off for the app, naming the field, without breaking the app", async () => {
    const { root } = tempProject({ "config/spark.ts": 'export default { debounce: { windowMs: "soon" } };\n' });
    const result = await run(root, "emit");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("`debounce.windowMs` must be a number");
    expect(JSON.parse(result.stdout)).toEqual({ id: null, enabled: false });
  });
});

describe("emitting", () => {
  it("fills in id, timestamp, environment and source", async () => {
    const { root } = tempProject({ "package.json": '{"name":"shop-api"}' });
    const result = await run(root, "emit", { NODE_ENV: "production" });
    const { id } = JSON.parse(result.stdout) as { id: string };
    const [event] = pendingEvents(root);
    expect(event).toMatchObject({ id, type: "notification", environment: "production", source: { app: "shop-api" } });
    expect(typeof event?.fingerprint).toBe("string");
  });

  it("never throws into the app when the bus cannot be written", async () => {
    const { root } = tempProject();
    writeFileSync(join(root, ".spark"), "a file where the folder should be");
    const result = await run(root, "emit-twice");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ a: null, b: null });
    expect(result.stderr.match(/\[spark\] could not write/g)).toHaveLength(1);
  });
});

describe("the node:http wrapper", () => {
  let server: ChildProcess;
  let base: string;
  let root: string;

  beforeAll(async () => {
    root = tempProject().root;
    chmodSync(root, 0o755);
    server = spawn(process.execPath, [APP, "node-http", ENTRY], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const port = await new Promise<number>((resolve) => {
      server.stdout?.once("data", (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
    });
    base = `http://127.0.0.1:${port}`;
    return async () => {
      server.stdin?.end();
      await finished(server);
      rmSync(root, { recursive: true, force: true });
    };
  });

  const byTrace = (traceId: string) => pendingEvents(root).filter((e) => e.traceId === traceId);
  let barriers = 0;
  /**
   * Waits until the server has handled everything before this call: a 5xx is recorded when
   * its response finishes, so once this later request's event is on disk, every earlier
   * response's has been too.
   */
  const settle = async () => {
    const id = `barrier-${++barriers}`;
    await fetch(`${base}/503`, { headers: { "x-request-id": id } });
    await waitFor(() => byTrace(id).length === 1, `the ${id} event`);
  };

  it("turns a throw into a 500 response and one event with the request id as trace id", async () => {
    const response = await fetch(`${base}/throw?q=1`, { headers: { "x-request-id": "req-throw-1" } });
    expect(response.status).toBe(500);
    const events = byTrace("req-throw-1");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "server-error",
      feature: "exploding-feature",
      route: "GET /throw",
      status: 500,
      request: { input: { query: { q: "1" } } },
    });
    expect(JSON.stringify(events[0])).not.toContain("abcdefghijklmnopqrstuvwxyz");
  });

  it("catches a rejected async handler the same way", async () => {
    const response = await fetch(`${base}/reject`, { headers: { "x-request-id": "req-reject-1" } });
    expect(response.status).toBe(500);
    expect(byTrace("req-reject-1")).toMatchObject([{ error: { message: "async handler failed" } }]);
  });

  it("records a 5xx the handler sent itself", async () => {
    const response = await fetch(`${base}/503`, { headers: { "x-request-id": "req-503" } });
    expect(response.status).toBe(503);
    await settle();
    expect(byTrace("req-503")).toMatchObject([{ status: 503, route: "GET /503" }]);
  });

  it("writes one event when the app captured the error itself", async () => {
    const response = await fetch(`${base}/self-captured`, { method: "POST", headers: { "x-request-id": "req-self" } });
    expect(response.status).toBe(500);
    await settle();
    const events = byTrace("req-self");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      feature: "create-user",
      request: { input: { name: "x", password: "[REDACTED]" } },
    });
  });

  it("makes a request id when the client sent none, so app and wrapper agree", async () => {
    await settle();
    const before = pendingEvents(root).filter((e) => e.route === "POST /self-captured").length;
    await fetch(`${base}/self-captured`, { method: "POST" });
    await settle();
    const after = pendingEvents(root).filter((e) => e.route === "POST /self-captured");
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)?.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reports every failing request, also when clients reuse one request id", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${base}/throw`, { headers: { "x-request-id": "req-reused" } })).status).toBe(500);
    }
    await settle();
    expect(byTrace("req-reused")).toHaveLength(3);
  });

  it("leaves good requests alone", async () => {
    await settle();
    const before = pendingEvents(root).length;
    expect((await fetch(`${base}/ok`)).status).toBe(200);
    await settle();
    expect(pendingEvents(root).length).toBe(before + 1); // the barrier's own event only
  });
});

describe("the fetch-handler wrapper", () => {
  it("rethrows, records the throw with the redacted JSON body and a 5xx response, and leaves 200s alone", async () => {
    const { root } = tempProject();
    const result = await run(root, "fetch");
    expect(JSON.parse(result.stdout)).toEqual({
      threw: "fetch handler exploded",
      status502: 502,
      status200: 200,
      eventsAfterFlush: 2,
    });
    const events = pendingEvents(root);
    expect(events).toHaveLength(2);
    const thrown = events.find((e) => e.traceId === "req-fetch-1");
    expect(thrown).toMatchObject({
      feature: "signup",
      route: "POST /throw",
      status: 500,
      error: { message: "fetch handler exploded" },
      request: { input: { query: { ref: "home" }, body: { email: "a@b.c", password: "[REDACTED]" } } },
    });
    expect(events.find((e) => e.status === 502)).toMatchObject({ error: { message: "HTTP 502 Bad Gateway" } });
  });
});
