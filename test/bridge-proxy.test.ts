import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { call, type EventClient, openEvents, piEvent, startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { copyHelloApp, type RunningApp, startHelloApp } from "./helpers/hello-app.js";
import { freePort } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";

/**
 * `manifest sidecar --web --proxy-app` (the Sprite case) in front of real servers: the
 * example app, a WebSocket echo server, a dev server the agent starts, and nothing at all.
 */

let model: MockModel;
let sidecar: WebSidecar;
let events: EventClient;
let echo: { port: number; server: Server; close(): Promise<void> };
let app: RunningApp | undefined;
const project = suiteProject();
const devServerPid = () => join(project.root, "dev-server.pid");

beforeAll(async () => {
  requireBuild();
  copyHelloApp(project.root);
  model = await startMockModel();
  echo = await startEchoServer();
  sidecar = await startWebSidecar(project.root, model, { args: ["--proxy-app"] });
  events = await openEvents(sidecar);
}, 60_000);

afterAll(async () => {
  events?.close();
  await sidecar?.stop();
  await app?.stop();
  await echo?.close();
  await model?.close();
  if (existsSync(devServerPid())) {
    try {
      process.kill(Number(readFileSync(devServerPid(), "utf8").trim()));
    } catch {}
  }
});

beforeEach(() => {
  model.clear();
  onTestFailed(() => console.error(`sidecar stderr:\n${sidecar.stderr()}`));
});

/** A request to the app through the bridge (with the bridge's token unless told otherwise). */
async function viaProxy(path: string, init: RequestInit & { auth?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set("authorization", `Bearer ${sidecar.token}`);
  const response = await fetch(`${sidecar.url}${path}`, { ...init, headers, redirect: "manual" });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const setAppPort = async (appPort: number | null) => {
  const set = await call(sidecar, "POST", "/starter/config", { appPort });
  expect(set.status, set.text).toBe(200);
};

describe("with nothing to proxy to", () => {
  it("shows a placeholder page that says why, and sends a browser without a token to the login", async () => {
    const unknown = await viaProxy("/");
    expect(unknown.status).toBe(503);
    expect(unknown.text).toContain("does not know the app's port");
    const browser = await viaProxy("/dashboard?tab=1", { auth: false, headers: { accept: "text/html" } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toBe(`/starter/login?next=${encodeURIComponent("/dashboard?tab=1")}`);
    const script = await viaProxy("/", { auth: false });
    expect(script.status).toBe(401);
    expect(script.text).not.toContain("Waiting for the app");

    await setAppPort(await freePort());
    const down = await viaProxy("/");
    expect(down.status).toBe(503);
    expect(down.text).toContain("The app is not running right now");
  });
});

describe("in front of the example app", () => {
  it("passes requests through, and the app's 500 through the proxy reaches the bus", async () => {
    await call(sidecar, "POST", "/starter/spark/pause", { reason: "only watching" });
    const port = await freePort();
    app = await startHelloApp(project.root, { env: { PORT: String(port) } });
    await setAppPort(port);
    await events.next((m) => m.event === "app" && (m.json.app as { port?: number } | null)?.port === port, "the app");

    const health = await viaProxy("/health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ message: "ok" });
    const failed = await viaProxy("/users", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-proxy" },
      body: JSON.stringify({ name: "Ada" }),
    });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.text)).toMatchObject({
      message: "Internal Server Error",
      meta: { request_id: "req-proxy" },
    });
    const news = await events.next((m) => m.event === "bus" && m.json.type === "server-error", "the 500 on the bus");
    expect(news.json).toMatchObject({ change: "new", state: "pending" });
    const pending = readdirSync(join(project.root, ".spark/events")).filter((n) => n.includes("-server-error-"));
    expect(pending).toEqual([`${news.json.id}.json`]);
    await app.stop();
    app = undefined;
    await call(sidecar, "POST", "/starter/spark/resume", {});
  });
});

describe("in front of a server with WebSockets", () => {
  it("keeps the bridge's credentials from the app and passes the app's own cookies", async () => {
    await setAppPort(echo.port);
    const login = await fetch(`${sidecar.url}/starter/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: sidecar.token }),
      redirect: "manual",
    });
    const session = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
    expect(session).toMatch(/^spark_web=/);
    const seen = await viaProxy("/headers", { auth: false, headers: { cookie: `${session}; theme=dark` } });
    expect(seen.status).toBe(200);
    const headers = JSON.parse(seen.text) as Record<string, string>;
    expect(headers.cookie).toBe("theme=dark");
    expect(headers.authorization).toBeUndefined();
    expect(headers["x-forwarded-for"]).toBeDefined();
    const bearer = JSON.parse((await viaProxy("/headers")).text) as Record<string, string>;
    expect(bearer.authorization).toBeUndefined();
    expect(JSON.stringify(bearer)).not.toContain(sidecar.token);
  });

  it("proxies a WebSocket upgrade both ways, and refuses one without the token", async () => {
    await setAppPort(echo.port);
    const wsUrl = `${sidecar.url.replace(/^http/, "ws")}/hot-reload`;
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${sidecar.token}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const reply = new Promise<string>((resolve) => socket.once("message", (data) => resolve(String(data))));
    socket.send("ping through the bridge");
    expect(await reply).toBe("echo: ping through the bridge");
    socket.close();

    const refused = new WebSocket(wsUrl);
    const status = await new Promise<number>((resolve, reject) => {
      refused.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      refused.once("open", () => reject(new Error("opened without a token")));
      refused.once("error", () => resolve(-1));
    });
    expect(status).toBe(401);
  });
});

describe("the app's port", () => {
  it("is picked up from a dev server the agent starts, once it answers, and the proxy follows", async () => {
    await setAppPort(null);
    const port = await freePort();
    const server = `require("http").createServer((q, s) => s.end("dev server here")).listen(${port}, "127.0.0.1", () => console.log("Server listening at http://127.0.0.1:${port}"))`;
    model.push(
      {
        tool: "bash",
        args: {
          command: `nohup ${process.execPath} -e '${server}' > dev.log 2>&1 & echo $! > ${devServerPid()}; sleep 1; cat dev.log`,
        },
      },
      { text: "The dev server is up." },
    );
    const from = events.received.length;
    await call(sidecar, "POST", "/starter/prompt", { message: "start the dev server" });
    const moved = await events.next(
      (m) => m.event === "app" && (m.json.app as { port?: number } | null)?.port === port,
      "the detected port",
      30_000,
      from,
    );
    expect(moved.json.app).toMatchObject({ port, source: "detected" });
    const through = await viaProxy("/");
    expect(through.status).toBe(200);
    expect(through.text).toBe("dev server here");
    await events.next(piEvent("agent_end"), "the end of the run", 30_000, from);
    const state = await call(sidecar, "GET", "/starter/state");
    expect(state.json.app).toMatchObject({ port, source: "detected", proxied: true });
    execFileSync("kill", [readFileSync(devServerPid(), "utf8").trim()]);
  });
});

/** An HTTP server that answers with the headers it got, and echoes WebSocket messages. */
async function startEchoServer(): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(req.headers));
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo: ${String(data)}`)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
