import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { type ChatRequest, lastUserText, type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { call, openEvents, piEvent, startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";

/**
 * The bridge over a real sidecar (`manifest sidecar --headless --web`, a real Pi session, the
 * mock model), driven by real HTTP clients. One sidecar for the file: each test scripts the
 * model for what it does.
 */

const FAST = "export default { debounce: { windowMs: 50 } };\n";

let model: MockModel;
let sidecar: WebSidecar;
let root: string;
const project = suiteProject();

beforeAll(async () => {
  requireBuild();
  root = project.root;
  writeFileSync(join(root, "package.json"), '{"name":"app"}');
  mkdirSync(join(root, "config"));
  writeFileSync(join(root, "config/spark.ts"), FAST);
  model = await startMockModel();
  sidecar = await startWebSidecar(root, model);
}, 60_000);

// What the sidecar said is the first thing to read when a test here fails.
beforeEach(() => {
  model.clear();
  onTestFailed(() => {
    const said = sidecar.lines().filter((l) => l.type === "notice" || l.type === "status" || l.type === "run-end");
    console.error(`sidecar output:\n${said.map((l) => JSON.stringify(l)).join("\n")}\n${sidecar.stderr()}`);
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await model?.close();
});

/** Every route of the API, with a body that is well-formed where one is needed. */
const ROUTES: Array<[string, string, unknown?]> = [
  ["GET", "/starter/events"],
  ["POST", "/starter/prompt", { message: "hi" }],
  ["POST", "/starter/steer", { message: "hi" }],
  ["POST", "/starter/follow-up", { message: "hi" }],
  ["POST", "/starter/abort", {}],
  ["GET", "/starter/state"],
  ["POST", "/starter/config", { thinkingLevel: "off" }],
  ["GET", "/starter/sessions"],
  ["POST", "/starter/sessions/new", {}],
  ["POST", "/starter/sessions/switch", { id: "nope" }],
  ["POST", "/starter/sessions/compact", {}],
  ["GET", "/starter/messages"],
  ["GET", "/starter/inspect"],
  ["GET", "/starter/spark"],
  ["POST", "/starter/spark/pause", {}],
  ["POST", "/starter/spark/resume", {}],
  ["GET", "/starter/spark/events?state=pending"],
  ["GET", "/starter/spark/events/nope"],
  ["GET", "/starter/spark/approvals"],
  ["POST", "/starter/spark/approvals/0badc0de/approve", {}],
  ["POST", "/starter/spark/approvals/0badc0de/deny", {}],
  ["GET", "/starter/no-such-route"],
  ["GET", "/"],
];

describe("the token", () => {
  it("every route answers 401 without it, or with a wrong one, and the body says nothing else", async () => {
    for (const [method, path, body] of ROUTES) {
      // A wrong bearer token is a guess and is slowed down: two routes are enough for it.
      const guess = path === "/starter/state" || path === "/starter/prompt";
      const variants: Record<string, string>[] = [{}, { cookie: "spark_web=v1.1.x" }, { cookie: "other=1" }];
      if (guess) variants.push({ authorization: "Bearer not-the-token-at-all-000" });
      for (const headers of variants) {
        const r = await call(sidecar, method, path, body, { auth: false, headers });
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(Object.keys(r.json)).toEqual(["error"]);
        expect(r.json.error).toMatch(/^unauthorized/);
        expect(r.text).not.toContain(root);
        expect(r.text).not.toContain(sidecar.token);
        expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      }
    }
    // Nothing moved: the pause route did not pause, the prompt started no run.
    expect(existsSync(join(root, ".spark/pause"))).toBe(false);
    expect(model.requests).toHaveLength(0);
  });

  it("with the bearer token every route answers (no 401, no 500)", async () => {
    // Idle, so steer/follow-up only queue; the prompt gets a reply; new session is allowed.
    model.push({ text: "hello" }, { text: "again" }, { text: "summary of the session" });
    for (const [method, path, body] of ROUTES) {
      if (path === "/starter/events") continue;
      const r = await call(sidecar, method, path, body);
      expect([401, 500], `${method} ${path}: ${r.text}`).not.toContain(r.status);
      if (path === "/starter/prompt") {
        await waitFor(async () => (await call(sidecar, "GET", "/starter/state")).json.status === "idle", "idle");
      }
    }
    await call(sidecar, "POST", "/starter/spark/resume", {});
  });

  it("a browser logs in once: an HttpOnly, SameSite=Strict cookie then opens every route", async () => {
    const form = await fetch(`${sidecar.url}/starter/login`);
    expect(await form.text()).toContain('name="token"');
    const wrong = await call(sidecar, "POST", "/starter/login", { token: "wrong-token-wrong-token" }, { auth: false });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const login = await call(sidecar, "POST", "/starter/login", { token: sidecar.token }, { auth: false });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^spark_web=v1\.\d+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(setCookie).not.toContain(sidecar.token);
    const cookie = setCookie.split(";")[0] as string;
    const state = await call(sidecar, "GET", "/starter/state", undefined, { auth: false, headers: { cookie } });
    expect(state.status).toBe(200);
    const events = await openEvents({ url: sidecar.url, token: "" }, { headers: { cookie, authorization: "" } });
    events.close();
    // A form post (a page without script) is sent back where it came from.
    const posted = await fetch(`${sidecar.url}/starter/login`, {
      method: "POST",
      body: new URLSearchParams({ token: sidecar.token, next: "/starter/state" }),
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/starter/state");
    const offsite = await fetch(`${sidecar.url}/starter/login`, {
      method: "POST",
      body: new URLSearchParams({ token: sidecar.token, next: "//evil.example/x" }),
      redirect: "manual",
    });
    expect(offsite.headers.get("location")).toBe("/starter/");
    // A state-changing request that a cross-site page made the browser send is refused.
    const crossSite = await call(
      sidecar,
      "POST",
      "/starter/spark/pause",
      {},
      {
        auth: false,
        headers: { cookie, origin: "https://evil.example" },
      },
    );
    expect(crossSite.status).toBe(403);
    expect(existsSync(join(root, ".spark/pause"))).toBe(false);
  });
});

describe("bad input", () => {
  it("answers 400 naming the field, 413 over the size limit, and changes nothing", async () => {
    const empty = await call(sidecar, "POST", "/starter/prompt", {});
    expect(empty.status).toBe(400);
    expect(empty.json.field).toBe("message");
    const extra = await call(sidecar, "POST", "/starter/prompt", { message: "x", shout: true });
    expect(extra.status).toBe(400);
    expect(String(extra.json.error)).toContain("shout");
    const level = await call(sidecar, "POST", "/starter/config", { thinkingLevel: "ultra" });
    expect(level).toMatchObject({ status: 400, json: { field: "thinkingLevel" } });
    const port = await call(sidecar, "POST", "/starter/config", { appPort: 70000 });
    expect(port).toMatchObject({ status: 400, json: { field: "appPort" } });
    const unknownModel = await call(sidecar, "POST", "/starter/config", { model: "nobody/nothing" });
    expect(unknownModel).toMatchObject({ status: 400, json: { field: "model" } });
    const notJson = await call(sidecar, "POST", "/starter/spark/pause", "{oops", {});
    expect(notJson.status).toBe(400);
    const states = await call(sidecar, "GET", "/starter/spark/events?state=pending,bogus");
    expect(states).toMatchObject({ status: 400, json: { field: "state" } });
    const limit = await call(sidecar, "GET", "/starter/messages?limit=-3");
    expect(limit).toMatchObject({ status: 400, json: { field: "limit" } });
    const huge = await call(sidecar, "POST", "/starter/spark/pause", { reason: "x".repeat(100_000) });
    expect(huge.status).toBe(413);
    const hugePrompt = await call(sidecar, "POST", "/starter/prompt", { message: "x".repeat(9 * 1024 * 1024) });
    expect(hugePrompt.status).toBe(413);
    const switchTo = await call(sidecar, "POST", "/starter/sessions/switch", { path: "/etc/passwd" });
    expect(switchTo).toMatchObject({ status: 404, json: { field: "path" } });
    expect(existsSync(join(root, ".spark/pause"))).toBe(false);
    expect(model.requests.filter((r) => lastUserText(r) === "x")).toHaveLength(0);
  });
});

describe("the agent", () => {
  it("a prompt streams its text deltas over SSE, then agent_end", async () => {
    const events = await openEvents(sidecar);
    model.push({ text: "The quick brown fox jumps over the lazy dog." });
    const r = await call(sidecar, "POST", "/starter/prompt", { message: "tell me a pangram" });
    expect(r).toMatchObject({ status: 202, json: { ok: true, accepted: "prompt" } });
    const end = await events.next(piEvent("agent_end"), "agent_end");
    const run = events.received.slice(0, events.received.indexOf(end) + 1).filter((m) => m.event === "pi");
    const types = run.map((m) => m.json.type);
    expect(types[0]).toBe("agent_start");
    expect(types).toContain("message_update");
    const deltas = run
      .filter(piEvent("message_update"))
      .map((m) => (m.json.assistantMessageEvent as { delta: string }).delta)
      .join("");
    expect(deltas).toBe("The quick brown fox jumps over the lazy dog.");
    // Ids go up by one, one boot.
    const ids = events.received.filter((m) => m.id).map((m) => m.id as string);
    const seqs = ids.map((id) => Number(id.split("-")[1]));
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    expect(new Set(ids.map((id) => id.split("-")[0])).size).toBe(1);
    const messages = await call(sidecar, "GET", "/starter/messages?limit=2");
    expect((messages.json.messages as Array<{ role: string }>).map((m) => m.role)).toEqual(["user", "assistant"]);
    events.close();
  });

  it("steers a run mid-way: the steering reaches the model in the same run", async () => {
    const gate = join(root, "steer-gate");
    const events = await openEvents(sidecar);
    let second: ChatRequest | undefined;
    model.push(
      { tool: "bash", args: { command: `until [ -f ${gate} ]; do sleep 0.05; done; echo gate open` } },
      (request) => {
        second = request;
        return { text: "Steered." };
      },
    );
    await call(sidecar, "POST", "/starter/prompt", { message: "wait for the gate" });
    await events.next(piEvent("tool_execution_start"), "the bash call");
    const busy = await call(sidecar, "POST", "/starter/prompt", { message: "another" });
    expect(busy).toMatchObject({ status: 409, json: { field: "streamingBehavior" } });
    const steer = await call(sidecar, "POST", "/starter/steer", { message: "also mention the moon" });
    expect(steer).toMatchObject({ status: 202, json: { queued: "steer", running: true } });
    writeFileSync(gate, "");
    await events.next(piEvent("agent_end"), "agent_end");
    expect(JSON.stringify(second?.messages)).toContain("also mention the moon");
    expect(events.received.filter(piEvent("agent_start"))).toHaveLength(1);
    events.close();
  });

  it("aborts a run: agent_end comes, the message says aborted", async () => {
    const events = await openEvents(sidecar);
    model.push({ tool: "bash", args: { command: "sleep 30" } });
    await call(sidecar, "POST", "/starter/prompt", { message: "sleep" });
    await events.next(piEvent("tool_execution_start"), "the bash call");
    const r = await call(sidecar, "POST", "/starter/abort", {});
    expect(r.json).toMatchObject({ ok: true, aborted: true });
    await events.next(piEvent("agent_end"), "agent_end after the abort");
    const ends = events.received.filter(
      piEvent("message_end", (j) => (j.message as { role: string }).role === "assistant"),
    );
    expect((ends.at(-1)?.json.message as { stopReason?: string } | undefined)?.stopReason).toBe("aborted");
    expect((await call(sidecar, "GET", "/starter/state")).json.status).toBe("idle");
    events.close();
  });

  it("new, switch and compact sessions", async () => {
    const events = await openEvents(sidecar);
    const before = (await call(sidecar, "GET", "/starter/state")).json.session as { id: string };
    const created = await call(sidecar, "POST", "/starter/sessions/new", {});
    expect(created.status).toBe(200);
    const after = created.json.session as { id: string; file: string };
    expect(after.id).not.toBe(before.id);
    await events.next((m) => m.event === "session" && m.json.reason === "new", "the session event");
    model.push({ text: "fresh session" });
    await call(sidecar, "POST", "/starter/prompt", { message: "first words here" });
    await events.next(piEvent("agent_end"), "the run in the new session");
    const list = await call(sidecar, "GET", "/starter/sessions");
    const sessions = list.json.sessions as Array<{ id: string; current: boolean }>;
    expect(sessions.map((s) => s.id)).toEqual(expect.arrayContaining([before.id, after.id]));
    expect(sessions.find((s) => s.current)?.id).toBe(after.id);
    const back = await call(sidecar, "POST", "/starter/sessions/switch", { id: before.id });
    expect((back.json.session as { id: string }).id).toBe(before.id);
    expect((await call(sidecar, "GET", "/starter/state")).json.session).toMatchObject({ id: before.id });
    model.push({ text: "## Summary\nWe said hello." });
    const compacted = await call(sidecar, "POST", "/starter/sessions/compact", {});
    expect(compacted.status, compacted.text).toBe(200);
    expect(String(compacted.json.summary)).toContain("We said hello.");
    events.close();
  });
});
