import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { lastUserText, type MockModel, startMockModel } from "./fakes/mock-openai.js";
import {
  call,
  type EventClient,
  openEvents,
  piEvent,
  type Received,
  startWebSidecar,
  type WebSidecar,
} from "./helpers/bridge.js";
import { manifest } from "./helpers/cli.js";
import { freePort } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";

/**
 * The event stream a client can trust, and everything that flows through it, over a real
 * sidecar and real HTTP clients: resumption after a disconnect, a restart, a hundred
 * clients, the bus, the pause, notifications, the inspect DB.
 */

const FAST = "export default { debounce: { windowMs: 50 } };\n";

let model: MockModel;
let sidecar: WebSidecar;
let port: number;
const project = suiteProject();

beforeAll(async () => {
  requireBuild();
  writeFileSync(join(project.root, "package.json"), '{"name":"app"}');
  mkdirSync(join(project.root, "config"));
  writeFileSync(join(project.root, "config/spark.ts"), FAST);
  model = await startMockModel();
  port = await freePort();
  sidecar = await startWebSidecar(project.root, model, { port });
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await model?.close();
});

beforeEach(() => {
  model.clear();
  onTestFailed(() => {
    const said = sidecar.lines().filter((l) => ["notice", "status", "run-start", "run-end"].includes(String(l.type)));
    console.error(`sidecar output:\n${said.map((l) => JSON.stringify(l)).join("\n")}\n${sidecar.stderr()}`);
  });
});

const withId = (list: Received[]) => list.filter((m) => m.id !== undefined);
const busChange = (change: string, type?: string) => (m: Received) =>
  m.event === "bus" && m.json.change === change && (type === undefined || m.json.type === type);

describe("resuming the stream", () => {
  it("a client that drops mid-run and reconnects with Last-Event-ID gets every missed event once, in order", async () => {
    const gate = join(project.root, "resume-gate");
    const steady = await openEvents(sidecar);
    const dropping = await openEvents(sidecar);
    model.push(
      { tool: "bash", args: { command: `until [ -f ${gate} ]; do sleep 0.05; done; echo opened` } },
      { text: "Resumed without a hole." },
    );
    await call(sidecar, "POST", "/starter/prompt", { message: "wait, then answer" });
    await dropping.next(piEvent("tool_execution_start"), "the bash call");
    const lastSeen = dropping.lastEventId() as string;
    const seenBefore = withId(dropping.received);
    dropping.close();
    writeFileSync(gate, "");
    await steady.next(piEvent("agent_end"), "the end of the run");

    const back = await openEvents(sidecar, { lastEventId: lastSeen });
    await back.next(piEvent("agent_end"), "the end of the run, replayed");
    const everything = withId(steady.received).map((m) => m.id);
    const got = [...seenBefore, ...withId(back.received)].map((m) => m.id);
    // What the dropped client saw, then the replay: the steady client's list, no more, no less.
    expect(got).toEqual(
      everything.slice(everything.indexOf(seenBefore[0]?.id), everything.indexOf(seenBefore[0]?.id) + got.length),
    );
    expect(new Set(got).size).toBe(got.length);
    expect(back.received.some((m) => m.event === "reset" || m.event === "gap")).toBe(false);
    const replayedText = back.received
      .filter(piEvent("message_update"))
      .map((m) => (m.json.assistantMessageEvent as { delta: string }).delta)
      .join("");
    expect(replayedText).toBe("Resumed without a hole.");
    for (const c of [steady, back]) c.close();
  });

  it("a hundred clients at once all get the same events", async () => {
    const clients: EventClient[] = await Promise.all(Array.from({ length: 100 }, () => openEvents(sidecar)));
    const paused = await call(sidecar, "POST", "/starter/spark/pause", { reason: "a hundred watchers", by: "test" });
    expect(paused.json).toMatchObject({ ok: true, paused: true });
    const got = await Promise.all(clients.map((c) => c.next((m) => m.event === "pause", "the pause event")));
    expect(new Set(got.map((m) => m.id)).size).toBe(1);
    expect(got[0]?.json).toMatchObject({
      held: true,
      pausedBy: "test",
      hold: { cause: "manual", reason: "a hundred watchers" },
    });
    expect((await call(sidecar, "GET", "/starter/state")).status).toBe(200);
    await call(sidecar, "POST", "/starter/spark/resume", {});
    await Promise.all(clients.map((c) => c.next((m) => m.event === "pause" && m.json.held === false, "the resume")));
    for (const c of clients) c.close();
  });
});

describe("Spark through the bridge", () => {
  it("an event's life on the bus streams as new, claimed, delivered; a pause holds it and shows in the listing", async () => {
    const events = await openEvents(sidecar);
    // The run on the event waits for a gate: the claim lasts until then, so the stream can see
    // it (the bus is watched by listing, and a claim shorter than one look shows as a move
    // from pending straight to delivered).
    const gate = join(project.root, "claim-gate");
    model.push(
      { tool: "bash", args: { command: `until [ -f ${gate} ]; do sleep 0.05; done; echo opened` } },
      { text: "Looked at it." },
    );
    await call(sidecar, "POST", "/starter/spark/pause", { reason: "hold it" });
    expect(existsSync(join(project.root, ".spark/pause"))).toBe(true);
    const emitted = await manifest(
      ["spark", "emit", "server-error", "--message", "boom from the test", "--json"],
      project.root,
      {
        SPARK_ROOT: project.root,
      },
    );
    const id = emitted.json<{ id: string }>().id;
    const fresh = await events.next(busChange("new", "server-error"), "the new event");
    expect(fresh.json.id).toBe(id);
    expect(fresh.json.read).toMatchObject({ kind: "event", summary: { type: "server-error" } });
    const pending = await call(sidecar, "GET", "/starter/spark/events?state=pending");
    expect((pending.json.events as Array<{ id: string }>).map((e) => e.id)).toContain(id);
    const spark = await call(sidecar, "GET", "/starter/spark");
    expect(spark.json).toMatchObject({ held: true, pause: { state: "paused", reason: "hold it" } });
    expect((spark.json.counts as { pending: number }).pending).toBeGreaterThanOrEqual(1);

    await call(sidecar, "POST", "/starter/spark/resume", {});
    await events.next((m) => busChange("claimed")(m) && m.json.id === id, "the claim");
    writeFileSync(gate, "");
    await events.next((m) => busChange("delivered")(m) && m.json.id === id, "the delivery", 30_000);
    const one = await call(sidecar, "GET", `/starter/spark/events/${id}`);
    expect(one.json).toMatchObject({ id, state: "delivered", valid: true, event: { type: "server-error" } });
    await events.next(piEvent("agent_end"), "the run on it");
    // A run Spark started (no before_agent_start) still has the starter's context.
    const run = model.requests.find((r) => lastUserText(r).startsWith("# ⚡ Spark"));
    const system = JSON.stringify(run?.messages.filter((m) => m.role === "system" || m.role === "developer"));
    expect(system).toContain("Spark's bridge");
    expect(system).toContain("notify_dashboard");
    expect(system).toContain("manifest inspect add service");
    events.close();
  });

  it("notify_dashboard reaches an SSE client as a notification, and starts no run of its own", async () => {
    const events = await openEvents(sidecar);
    model.push(
      {
        tool: "notify_dashboard",
        args: { message: "The app is up on the new port.", type: "success", refreshIframe: true },
      },
      { text: "Told them." },
    );
    const before = model.requests.length;
    await call(sidecar, "POST", "/starter/prompt", { message: "tell the people watching" });
    const note = await events.next((m) => m.event === "notification", "the notification");
    expect(note.json).toMatchObject({
      message: "The app is up on the new port.",
      type: "success",
      refreshIframe: true,
      audience: "people",
    });
    await events.next(piEvent("agent_end"), "the end of the run");
    // The notification file is acked by the sidecar without a message: no second run.
    await events.next((m) => busChange("delivered", "notification")(m) && m.json.id === note.json.id, "its ack");
    await new Promise((r) => setTimeout(r, 500));
    expect(model.requests.length - before).toBe(2);
    expect(events.received.filter(piEvent("agent_start"))).toHaveLength(1);
    events.close();
  });

  it("inspect rows written by manifest inspect add and by sqlite directly both appear", async () => {
    const env = { SPARK_ROOT: project.root };
    const added = await manifest(
      [
        "inspect",
        "add",
        "service",
        "api",
        "--port",
        "3000",
        "--command",
        "npm run dev",
        "--secrets",
        "DATABASE_URL",
        "--json",
      ],
      project.root,
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    execFileSync("sqlite3", [
      join(project.root, ".spark/inspect.db"),
      "INSERT INTO integrations (name, provider, secrets) VALUES ('stripe', 'stripe', '[\"STRIPE_SECRET_KEY\", \"sk_live_abcdefghijklmnop\"]');",
    ]);
    const inspect = await call(sidecar, "GET", "/starter/inspect");
    expect(inspect.status).toBe(200);
    expect(inspect.json.services).toEqual([
      expect.objectContaining({ name: "api", port: 3000, command: "npm run dev", secrets: ["DATABASE_URL"] }),
    ]);
    // A value where a name belongs never leaves the database as it is.
    expect(inspect.json.integrations).toEqual([
      expect.objectContaining({ name: "stripe", provider: "stripe", secrets: ["STRIPE_SECRET_KEY", "[REDACTED]"] }),
    ]);
    expect(inspect.json.assets).toEqual([]);
    expect(readdirSync(join(project.root, ".spark")).filter((n) => n.startsWith("inspect.db"))).toContain("inspect.db");
  });
});

describe("a restart", () => {
  it("a client that comes back to a restarted bridge gets a reset, then live events", async () => {
    const before = await openEvents(sidecar);
    await call(sidecar, "POST", "/starter/spark/pause", {});
    await before.next((m) => m.event === "pause", "an event with an id");
    const lastId = before.lastEventId() as string;
    before.close();
    await sidecar.stop();
    sidecar = await startWebSidecar(project.root, model, { port, token: sidecar.token });
    const after = await openEvents(sidecar, { lastEventId: lastId });
    const reset = await after.next((m) => m.event === "reset", "the reset");
    expect(reset.json.boot).not.toBe(lastId.split("-")[0]);
    expect(String(reset.json.reason)).toContain("restarted");
    expect(withId(after.received)).toEqual([]);
    await call(sidecar, "POST", "/starter/spark/resume", {});
    const live = await after.next((m) => m.event === "pause", "a live event after the reset");
    expect(live.id?.startsWith(String(reset.json.boot))).toBe(true);
    after.close();
  });
});
