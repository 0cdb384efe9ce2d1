import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { HELLO_APP_FIX_EDIT } from "../sidecar/replay-model.js";
import { type ChatRequest, lastUserText, startMockModel } from "./fakes/mock-openai.js";
import { CLI, manifest } from "./helpers/cli.js";
import { copyHelloApp, createUser, startHelloApp, waitForFixed } from "./helpers/hello-app.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { collectOutput, type Finished, finished, freePort, jsonLines, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Sidecar {
  child: ChildProcess;
  lines(): Array<Record<string, unknown>>;
  readonly done: Promise<Finished>;
  stop(): Promise<Finished>;
}

function startSidecar(root: string, env: NodeJS.ProcessEnv, args: string[] = []): Sidecar {
  const child = spawn(process.execPath, [CLI, "sidecar", "--headless", ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const done = finished(child, output);
  const sidecar: Sidecar = {
    child,
    lines: () => jsonLines(output),
    done,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return done;
    },
  };
  cleanups.push(async () => {
    await sidecar.stop();
  });
  return sidecar;
}

const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };
const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);

describe("manifest sidecar --headless", () => {
  it("turns the app's 500 into one message, the scripted fix lands, the same request returns 200, the event is delivered", async () => {
    const { root, paths } = tempProject();
    copyHelloApp(root);
    let seen: ChatRequest | undefined;
    const model = await startMockModel([
      (request) => {
        seen = request;
        return { tool: "edit", args: HELLO_APP_FIX_EDIT };
      },
      { text: "Fixed: create-user handles a name without a last name." },
    ]);
    cleanups.push(() => model.close());
    const app = await startHelloApp(root, { watch: true, env: { PORT: String(await freePort()) } });
    cleanups.push(() => app.stop());
    const sidecar = startSidecar(root, piEnv(piAgentDir(root, model)), ["--model", "mock/mock-model"]);
    const ready = await waitFor(() => sidecar.lines().find((l) => l.type === "ready"), "the ready line", 20_000);
    expect(ready).toMatchObject({ model: "mock/mock-model", watchOnly: null });

    const failed = await createUser(app.url, { name: "Ada" }, "req-headless");
    expect(failed.status).toBe(500);
    await waitFor(() => sidecar.lines().some((l) => l.type === "tool-end" && l.name === "edit"), "the edit", 30_000);
    const sparkLines = sidecar.lines().filter((l) => l.type === "spark" && l.customType === "spark-events");
    expect(sparkLines).toHaveLength(1);
    expect(String(sparkLines[0]?.text)).toContain("a 500 in `create-user`");
    expect(lastUserText(seen as ChatRequest)).toContain("features/create-user.js");
    expect(readFileSync(join(root, "features/create-user.js"), "utf8")).toContain('(last ?? "").toUpperCase()');
    expect(await waitForFixed(app.url)).toBe(200);
    await waitFor(
      () => jsonFiles(paths.delivered).some((n) => n.includes("-server-error-")),
      "the event in delivered/",
    );

    const stopped = await sidecar.stop();
    expect(stopped.code).toBe(0);
    expect(sidecar.lines().at(-1)).toMatchObject({ type: "stopped" });
    expect(jsonFiles(paths.agents)).toEqual([]);
    // The session holds raw tool output: private like the rest of .spark/.
    const sessions = join(paths.spark, "sessions");
    const files = readdirSync(sessions).filter((n) => n.endsWith(".jsonl"));
    expect(files).toHaveLength(1);
    expect(statSync(join(sessions, files[0] as string)).mode & 0o777).toBe(0o600);
  });

  it("without a model only watches: the event stays pending and the output says how to configure one", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": "export default { debounce: { windowMs: 50 } };\n" });
    const sidecar = startSidecar(root, piEnv(piAgentDir(root)));
    const ready = await waitFor(() => sidecar.lines().find((l) => l.type === "ready"), "the ready line", 20_000);
    expect(ready.model).toBeNull();
    const howTo = (ready.watchOnly as { howTo: string[] }).howTo.join("\n");
    expect(howTo).toContain("/login");
    expect(howTo).toContain("manifest sidecar --model");
    const emitted = (await manifest(["spark", "emit", "server-error", "--json"], root)).json<{ id: string }>().id;
    await waitFor(
      () => sidecar.lines().some((l) => l.type === "status" && /holding 1 event: watch-only/.test(String(l.text))),
      "the watch-only hold in the status",
    );
    expect(jsonFiles(paths.events)).toContain(`${emitted}.json`);
    expect((await sidecar.stop()).code).toBe(0);
    expect(jsonFiles(paths.events)).toContain(`${emitted}.json`);
  });

  it("keeps what it held while watch-only: the restart with a model delivers it, however old, instead of expiring it", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": "export default { debounce: { windowMs: 50 } };\n" });
    const watching = startSidecar(root, piEnv(piAgentDir(root)));
    await waitFor(() => watching.lines().find((l) => l.type === "ready"), "the watch-only ready line", 20_000);
    // An event whose name says it is 20 minutes old, far past events.expireMinutes (5).
    const old = emitEvent(
      paths,
      { type: "server-error", error: { message: "boom" } },
      { ...writer, now: Date.now() - 20 * 60_000 },
    );
    await waitFor(
      () => watching.lines().some((l) => l.type === "status" && /holding 1 event: watch-only/.test(String(l.text))),
      "the watch-only hold",
    );
    expect((await watching.stop()).code).toBe(0);

    const model = await startMockModel([{ text: "Looked at it." }]);
    cleanups.push(() => model.close());
    const working = startSidecar(root, piEnv(piAgentDir(root, model)), ["--model", "mock/mock-model"]);
    await waitFor(() => jsonFiles(paths.delivered).includes(`${old.id}.json`), "the held event delivered", 30_000);
    expect(jsonFiles(paths.expired)).toEqual([]);
    expect(
      working
        .lines()
        .some((l) => l.type === "spark" && /were kept, not expired: they are delivered now/.test(String(l.text))),
    ).toBe(true);
    expect(existsSync(join(paths.spark, "held"))).toBe(false);
  });

  it("runs once per project: a second one refuses, naming the first and how to stop it; a SIGKILLed one does not block", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const env = piEnv(piAgentDir(root));
    const first = startSidecar(root, env);
    await waitFor(() => first.lines().find((l) => l.type === "ready"), "the first sidecar ready", 20_000);
    const second = await startSidecar(root, env).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `Another Spark sidecar is already running for this project: pid ${first.child.pid} on this host (${hostname()}), since `,
    );
    expect(second.stderr).toContain(`\`kill ${first.child.pid}\``);
    // The refused one touched nothing: the first still holds its lock and its presence.
    expect(existsSync(join(root, ".spark/sidecar.lock"))).toBe(true);

    first.child.kill("SIGKILL");
    await first.done;
    const third = startSidecar(root, env);
    await waitFor(() => third.lines().find((l) => l.type === "ready"), "a new sidecar after the SIGKILL", 20_000);
    expect((await third.stop()).code).toBe(0);
    expect(existsSync(join(root, ".spark/sidecar.lock"))).toBe(false);
  });

  it("never acks a batch whose run failed before the agent answered: redelivers it with a note, rejects it at the cap; requeue brings it back", async () => {
    const { root, paths } = tempProject({
      "config/spark.ts":
        "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 }, delivery: { maxAttempts: 2, retryDelayMs: 0 } };\n",
    });
    // The provider is down: every request gets a 503 (the client's own retries too) until it is back.
    let up = false;
    const model = await startMockModel();
    const answer = (text: string) => () =>
      up ? { text } : { error: { status: 503, message: "upstream connect error: the provider is down" } };
    model.push(...Array.from({ length: 40 }, () => answer("Handled it.")));
    cleanups.push(() => model.close());
    const sidecar = startSidecar(root, piEnv(piAgentDir(root, model)), ["--model", "mock/mock-model"]);
    await waitFor(() => sidecar.lines().find((l) => l.type === "ready"), "the ready line", 20_000);
    const { id } = (await manifest(["spark", "emit", "server-error", "--json"], root)).json<{ id: string }>();
    const name = `${id}.json`;
    const notices = () =>
      sidecar
        .lines()
        .filter((l) => l.type === "notice")
        .map((l) => String(l.text));

    // Attempt 1 fails: back to the queue with the attempt noted. Attempt 2 goes out with a note
    // for the agent, fails too, and the cap rejects the event. Never delivered.
    await waitFor(() => jsonFiles(paths.rejected).includes(name), "the event rejected at the cap", 60_000);
    expect(notices().some((t) => /went back to the queue \(attempt 1 of 2\)/.test(t))).toBe(true);
    await waitFor(() => notices().some((t) => /moved to rejected\/ after 2 failed attempts/.test(t)), "the notice");
    const sent = model.requests.map((r) => lastUserText(r));
    expect(sent[0]).not.toContain("handed over before");
    expect(sent.at(-1)).toContain(
      "1 event of this batch was handed over before, and the run ended in an error before an answer",
    );
    const reason = JSON.parse(readFileSync(join(paths.rejected, `${name}.reason.json`), "utf8")) as { reason: string };
    expect(reason.reason).toMatch(
      /^delivery failed 2 times: each run ended in an error before an agent answered \(last: .*503/,
    );
    expect(jsonFiles(paths.delivered)).not.toContain(name);

    // The provider is back: requeued from rejected/, the event starts its attempts afresh and is delivered.
    up = true;
    expect((await manifest(["spark", "events", "requeue", id], root)).code).toBe(0);
    await waitFor(() => jsonFiles(paths.delivered).includes(name), "the requeued event delivered", 30_000);

    // A delivered event can be requeued for a second look: the same sidecar sends it again.
    const before = model.requests.length;
    const again = await manifest(["spark", "events", "requeue", id, "--json"], root);
    expect(again.json()).toMatchObject({ ok: true, requeued: [{ id, from: "delivered" }] });
    await waitFor(
      () => model.requests.length > before && jsonFiles(paths.delivered).includes(name),
      "delivered again",
      30_000,
    );
    expect(lastUserText(model.requests.at(-1) as ChatRequest)).toContain(id);
  });

  it("refuses a model Pi does not know, saying how to list them", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const sidecar = startSidecar(root, piEnv(piAgentDir(root)), ["--model", "nope/nothing"]);
    const result = await sidecar.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('model "nope/nothing" is not known to Pi');
    expect(result.stderr).toContain("pi --list-models");
  });
});
