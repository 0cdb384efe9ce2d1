import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { call, openEvents, piEvent, startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { findBun } from "./helpers/bun.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";

/**
 * The bridge under Bun (the built CLI run by `bun`): the API and the stream over a real Pi
 * session, the inspect DB through bun:sqlite, and the proxy with a WebSocket. Runs when a
 * `bun` is at hand (test/helpers/bun.ts; CI installs one).
 */
const BUN = findBun();

let model: MockModel;
let sidecar: WebSidecar;
let app: Server;

describe.runIf(BUN !== undefined)("the bridge under Bun", () => {
  const project = suiteProject();
  beforeAll(async () => {
    requireBuild();
    writeFileSync(join(project.root, "package.json"), '{"name":"app"}');
    model = await startMockModel();
    app = createServer((_req, res) => res.end("the app"));
    const wss = new WebSocketServer({ server: app });
    wss.on("connection", (s) => s.on("message", (d) => s.send(`echo: ${String(d)}`)));
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    sidecar = await startWebSidecar(project.root, model, { runtime: BUN, args: ["--proxy-app"] });
  }, 60_000);

  afterAll(async () => {
    await sidecar?.stop();
    await model?.close();
    app?.closeAllConnections();
    app?.close();
  });

  it("streams a prompt's deltas to agent_end, and refuses a call without the token", async () => {
    const events = await openEvents(sidecar);
    model.push({ text: "Hello from Bun." });
    const accepted = await call(sidecar, "POST", "/starter/prompt", { message: "hi" });
    expect(accepted.status).toBe(202);
    await events.next(piEvent("agent_end"), "the end of the run");
    const text = events.received
      .filter(piEvent("message_update"))
      .map((m) => (m.json.assistantMessageEvent as { delta: string }).delta)
      .join("");
    expect(text).toBe("Hello from Bun.");
    expect((await call(sidecar, "GET", "/starter/state", undefined, { auth: false })).status).toBe(401);
    events.close();
  });

  it("reads the inspect DB through bun:sqlite, rows written by manifest inspect under Node", async () => {
    const added = await manifest(["inspect", "add", "service", "api", "--port", "3000"], project.root, {
      SPARK_ROOT: project.root,
    });
    expect(added.code, added.stderr).toBe(0);
    const inspect = await call(sidecar, "GET", "/starter/inspect");
    expect(inspect.status, inspect.text).toBe(200);
    expect(inspect.json.services).toEqual([expect.objectContaining({ name: "api", port: 3000 })]);
  });

  it("proxies to the app, WebSocket included", async () => {
    const port = (app.address() as { port: number }).port;
    expect((await call(sidecar, "POST", "/starter/config", { appPort: port })).status).toBe(200);
    const page = await fetch(`${sidecar.url}/`, { headers: { authorization: `Bearer ${sidecar.token}` } });
    expect(await page.text()).toBe("the app");
    const socket = new WebSocket(`${sidecar.url.replace(/^http/, "ws")}/ws`, {
      headers: { authorization: `Bearer ${sidecar.token}` },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const reply = new Promise<string>((resolve) => socket.once("message", (d) => resolve(String(d))));
    socket.send("ping");
    expect(await reply).toBe("echo: ping");
    socket.close();
  });
});
