import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fauxAssistantMessage, fauxText, fauxToolCall } from "@mariozechner/pi-ai";
import { afterEach, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { clearPause, writePause } from "../bus/pause.js";
import { newPresence, readAgents, writePresence } from "../bus/presence.js";
import { claimBatch } from "../bus/queue.js";
import { deadPid } from "./helpers/fixtures.js";
import { type PiHarness, sparkMessages, startPi } from "./helpers/pi-sdk.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const FAST = "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n";

const running: PiHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.shutdown();
});

async function pi(root: string, role: "human" | "sidecar", steps: Parameters<typeof startPi>[2] = {}) {
  const harness = await startPi(root, role, steps);
  running.push(harness);
  return harness;
}

const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };
const serverError = (paths: BusPaths, message = "Cannot read properties of undefined (reading 'toUpperCase')") =>
  emitEvent(
    paths,
    { type: "server-error", feature: "create-user", route: "POST /users", status: 500, error: new TypeError(message) },
    writer,
  );

const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);
const liveRoles = (paths: BusPaths) =>
  readAgents(paths)
    .flatMap((e) => (e.ok ? [e.agent.role] : []))
    .sort();

describe("presence", () => {
  it("each session keeps a presence file from start to shutdown; the sidecar gets no join or leave message (presence is state)", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const sidecar = await pi(root, "sidecar");
    const human = await pi(root, "human");
    expect(liveRoles(paths)).toEqual(["human", "sidecar"]);
    // The notices are consumed (acked) without a word to the agent.
    const acked = (type: string) => jsonFiles(paths.delivered).filter((n) => n.includes(`-${type}-`)).length;
    await waitFor(() => acked("agent-start") === 2, "both join notices acked (the sidecar's and the human's)");
    await human.shutdown();
    expect(liveRoles(paths)).toEqual(["sidecar"]);
    await waitFor(() => acked("agent-stop") === 1, "the human's leave notice acked");
    const notices = sidecar.session.messages.filter((m) => (m as { role: string }).role === "custom");
    expect(notices.map((m) => (m as { customType?: string }).customType)).not.toContain("spark-agents");
    expect(sidecar.calls()).toBe(0);
    await sidecar.shutdown();
    expect(liveRoles(paths)).toEqual([]);
    expect(sidecar.errors).toEqual([]);
    expect(human.errors).toEqual([]);
  });
});

describe("the sidecar holds events while a human works", () => {
  it("holds an event during a human bash call and delivers it in one message, saying since when, once the human is idle", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const sidecar = await pi(root, "sidecar", {
      steps: [fauxAssistantMessage("Looking into the create-user failure.")],
    });
    const release = join(root, "release");
    const human = await pi(root, "human", {
      steps: [
        fauxAssistantMessage(
          // Bounded (60 s), so a failing test cannot leave the loop running after it.
          fauxToolCall("bash", {
            command: `for i in $(seq 3000); do [ -f ${release} ] && break; sleep 0.02; done; echo done`,
          }),
          {
            stopReason: "toolUse",
          },
        ),
        fauxAssistantMessage("Done."),
      ],
    });
    const run = human.session.prompt("tidy up the repo");
    await waitFor(
      () => readAgents(paths).some((e) => e.ok && e.agent.role === "human" && e.agent.status === "working"),
      "the human to be working",
    );
    const event = serverError(paths);
    // The human's own join notice may be held first ("holding 0 events"): wait for the failure.
    await waitFor(
      () => /holding 1 event: a human agent is working/.test(sidecar.ui.currentStatus() ?? ""),
      "the sidecar to say it holds the failure",
    );
    expect(jsonFiles(paths.events)).toContain(`${event.id}.json`);
    expect(sparkMessages(sidecar.session)).toEqual([]);

    writeFileSync(release, "");
    await run;
    await waitFor(() => sparkMessages(sidecar.session).length === 1, "the held batch");
    const [message] = sparkMessages(sidecar.session);
    expect(message?.ids).toEqual([event.id]);
    expect(message?.content).toMatch(/Held since `\S+` \(`a human agent is working`\)/);
    expect(message?.content).toContain("a 500 in `create-user`");
    await waitFor(() => jsonFiles(paths.delivered).includes(`${event.id}.json`), "the event acked into delivered/");
    await waitFor(() => sidecar.calls() === 1, "the sidecar's model to be asked about it");
  });
});

describe("a manual pause", () => {
  it("holds events on disk until resume, then delivers them with the held-since note", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    writePause(paths, { by: "alice", reason: "deploying" });
    const sidecar = await pi(root, "sidecar", { steps: [fauxAssistantMessage("On it.")] });
    const event = serverError(paths);
    await waitFor(() => sidecar.ui.currentStatus()?.includes("paused by alice: deploying"), "the hold to show");
    expect(jsonFiles(paths.events)).toContain(`${event.id}.json`);
    clearPause(paths);
    await waitFor(() => sparkMessages(sidecar.session).length === 1, "delivery after resume");
    expect(sparkMessages(sidecar.session)[0]?.content).toMatch(/Held since `\S+` \(`paused by alice: deploying`\)/);
  });
});

describe("a storm", () => {
  it("turns 1,000 events into one message with grouped counts", async () => {
    const { root, paths } = tempProject({
      "config/spark.ts": "export default { debounce: { windowMs: 1000 }, batch: { maxEvents: 1000 } };\n",
    });
    const sidecar = await pi(root, "sidecar", { steps: [fauxAssistantMessage("Three problems; fixing.")] });
    // Its own join notice goes first; the storm then falls within one debounce window.
    await waitFor(
      () => jsonFiles(paths.delivered).some((n) => n.includes("-agent-start-")),
      "the sidecar's own notice",
    );
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++)
      ids.add(serverError(paths, ["user 1 missing", "db timeout after 30s", "boom"][i % 3] as string).id);
    await waitFor(
      () => jsonFiles(paths.delivered).filter((n) => ids.has(n.replace(/\.json$/, ""))).length === 1000,
      "all 1,000 delivered",
      30_000,
    );
    const messages = sparkMessages(sidecar.session);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.ids).toHaveLength(1000);
    const counts = [...(messages[0]?.content.matchAll(/\(×(\d+)\)/g) ?? [])].map((m) => Number(m[1]));
    expect(counts.sort((a, b) => a - b)).toEqual([333, 333, 334]);
    expect(Buffer.byteLength(messages[0]?.content ?? "")).toBeLessThanOrEqual(16 * 1024);
  });
});

describe("one crash, one problem", () => {
  it("acks a `manifest run` report that comes after its crash went out, without a second message", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const sidecar = await pi(root, "sidecar", { steps: [fauxAssistantMessage("Looking at the crash.")] });
    const crash = emitEvent(paths, { type: "unhandled-error", error: new Error("boom"), runId: "run-7" }, writer);
    await waitFor(() => jsonFiles(paths.delivered).includes(`${crash.id}.json`), "the crash delivered");
    const run = emitEvent(
      paths,
      { type: "process-error", command: "node server.js", exitCode: 1, error: { message: "exited" }, runId: "run-7" },
      writer,
    );
    await waitFor(() => jsonFiles(paths.delivered).includes(`${run.id}.json`), "the run's report acked");
    expect(sparkMessages(sidecar.session).map((m) => m.ids)).toEqual([[crash.id]]);
    expect(sidecar.calls()).toBe(1);
  });
});

describe("the human role", () => {
  it("never claims on its own, shows what Spark caught, and takes events when asked", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const human = await pi(root, "human", { steps: [fauxAssistantMessage(fauxText("Fixing create-user."))] });
    const event = serverError(paths);
    await waitFor(() => human.ui.currentStatus()?.includes("Spark caught a 500 in create-user"), "the caught status");
    expect(jsonFiles(paths.events)).toContain(`${event.id}.json`);
    await human.session.prompt("/spark take");
    await waitFor(() => sparkMessages(human.session).length === 1, "the taken batch");
    await waitFor(() => jsonFiles(paths.delivered).includes(`${event.id}.json`), "the taken event acked");
    expect(human.ui.notifications.map((n) => n.text)).toContain("Took 1 event into this session.");
  });
});

describe("the status line", () => {
  it("shows event text without its escape sequences or line breaks", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const human = await pi(root, "human");
    emitEvent(
      paths,
      {
        type: "server-error",
        feature: "create\u001b]0;PWNED\u0007-user\n\u001b[2Jnow",
        status: 500,
        error: { message: "x" },
      },
      writer,
    );
    await waitFor(() => human.ui.currentStatus()?.includes("Spark caught"), "the caught status");
    expect(human.ui.currentStatus()).toBe("⚡ Spark caught a 500 in create-user now");
  });
});

describe("/spark take and dead agents", () => {
  it("puts back what a dead agent claimed, removes its presence file, and takes the events", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const event = serverError(paths);
    const dead = { ...newPresence({ id: "sidecar-dead", role: "sidecar", cwd: root }), pid: await deadPid() };
    writePresence(paths, dead);
    expect(claimBatch(paths, dead.id).claimed).toHaveLength(1);
    const human = await pi(root, "human", { steps: [fauxAssistantMessage("On it.")] });
    await human.session.prompt("/spark take");
    expect(human.ui.notifications.map((n) => n.text)).toContain("Took 1 event into this session.");
    await waitFor(
      () => jsonFiles(paths.delivered).includes(`${event.id}.json`),
      "the dead agent's event taken and acked",
    );
    expect(existsSync(join(paths.agents, "sidecar-dead.json"))).toBe(false);
  });
});

describe("a run that ends in an error before the agent answers", () => {
  const failing = () => fauxAssistantMessage([], { stopReason: "error", errorMessage: "Connection error." });
  const config = (maxAttempts: number) =>
    `export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 }, delivery: { maxAttempts: ${maxAttempts}, retryDelayMs: 60000 } };\n`;
  const body = (paths: BusPaths, id: string) =>
    JSON.parse(readFileSync(join(paths.events, `${id}.json`), "utf8")) as {
      delivery?: { attempts: number; lastError: string };
    };

  it("is not a delivery: after Pi's own retries fail, the event goes back to the queue with the attempt noted", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": config(3) });
    // Pi retries twice (as it does for "Connection error."): three failures in all.
    const sidecar = await pi(root, "sidecar", {
      steps: [failing(), failing(), failing()],
      retry: { maxRetries: 2, baseDelayMs: 50 },
    });
    const event = serverError(paths);
    await waitFor(
      () => existsSync(join(paths.events, `${event.id}.json`)) && body(paths, event.id).delivery,
      "the event back with its attempt",
      20_000,
    );
    expect(sidecar.calls()).toBe(3);
    expect(body(paths, event.id).delivery).toMatchObject({ attempts: 1, lastError: "Connection error." });
    expect(jsonFiles(paths.delivered)).not.toContain(`${event.id}.json`);
    expect(sidecar.ui.notifications.map((n) => n.text)).toContainEqual(
      expect.stringMatching(
        /Connection error\.\). 1 event went back to the queue \(attempt 1 of 3\): the sidecar tries again in 60s/,
      ),
    );
  });

  it("is delivered once when Pi's retry succeeds: acked, not released for a second hand-over", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": config(3) });
    const sidecar = await pi(root, "sidecar", {
      steps: [failing(), fauxAssistantMessage("Fixed it on the second try.")],
      retry: { maxRetries: 2, baseDelayMs: 50 },
    });
    const event = serverError(paths);
    await waitFor(
      () => jsonFiles(paths.delivered).includes(`${event.id}.json`),
      "the event acked after the retry",
      20_000,
    );
    expect(sidecar.calls()).toBe(2);
    expect(sparkMessages(sidecar.session)).toHaveLength(1);
  });
});

describe("a run that ends without taking its work", () => {
  it("keeps delivering after an aborted run: new events go out in a run of their own", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sidecar = await pi(root, "sidecar", {
      steps: [
        // The first run hangs in the model until the test aborts it.
        async () => {
          await gate;
          return fauxAssistantMessage("too late");
        },
        fauxAssistantMessage("Looking at the second one."),
      ],
    });
    const first = serverError(paths, "first failure");
    await waitFor(() => sparkMessages(sidecar.session).length === 1, "the first batch");
    const second = serverError(paths, "second failure");
    // While the agent works, the second event waits on disk (never queued behind the run).
    await waitFor(() => jsonFiles(paths.events).includes(`${second.id}.json`), "the second event pending");
    // abort() waits for the run to end, and the model step ends once released.
    const aborting = sidecar.session.abort();
    release();
    await aborting;
    await waitFor(() => sparkMessages(sidecar.session).length === 2, "the second batch after the abort");
    expect(sparkMessages(sidecar.session)[1]?.ids).toEqual([second.id]);
    await waitFor(
      () => [first, second].every((e) => jsonFiles(paths.delivered).includes(`${e.id}.json`)),
      "both events acked",
    );
  });
});

describe("human sessions and join notices", () => {
  it("/spark take takes the failures, never the join/leave notices the sidecar announces", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const human = await pi(root, "human", { steps: [fauxAssistantMessage("On it.")] });
    const event = serverError(paths);
    await human.session.prompt("/spark take");
    await waitFor(() => jsonFiles(paths.delivered).includes(`${event.id}.json`), "the failure taken and acked");
    expect(jsonFiles(paths.events).some((n) => n.includes("-agent-start-"))).toBe(true);
    expect(sparkMessages(human.session)[0]?.ids).toEqual([event.id]);
  });

  it("with human.autoInject and no sidecar, a pause holds events and resume brings them into the session", async () => {
    const { root, paths } = tempProject({
      "config/spark.ts":
        "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 }, human: { autoInject: true } };\n",
    });
    writePause(paths, { by: "alice", reason: "migrating" });
    const human = await pi(root, "human", { steps: [fauxAssistantMessage("Fixing.")] });
    const event = serverError(paths);
    await new Promise((r) => setTimeout(r, 600));
    expect(sparkMessages(human.session)).toEqual([]);
    expect(jsonFiles(paths.events)).toContain(`${event.id}.json`);
    clearPause(paths);
    await waitFor(() => sparkMessages(human.session).length === 1, "the held event injected");
    expect(sparkMessages(human.session)[0]?.content).toMatch(/Held since `\S+` \(`paused by alice: migrating`\)/);
  });
});
