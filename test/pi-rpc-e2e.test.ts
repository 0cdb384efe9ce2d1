import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { HELLO_APP_FIX_EDIT } from "../sidecar/replay-model.js";
import { type ChatRequest, lastUserText, type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { manifest } from "./helpers/cli.js";
import { copyHelloApp, createUser, type RunningApp, startHelloApp, waitForFixed } from "./helpers/hello-app.js";
import { hermeticPiArgs, piAgentDir, piEnv, type RpcPi, startRpcPi } from "./helpers/pi-cli.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { DIST, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("the real pi --mode rpc with the Spark extension as sidecar", () => {
  it("gets the app's 500 as one message naming the feature and stack, edits the bug, and the same request then returns 200", async () => {
    const { root, paths } = tempProject();
    copyHelloApp(root);
    let seen: ChatRequest | undefined;
    const model: MockModel = await startMockModel([
      (request) => {
        seen = request;
        return { tool: "edit", args: HELLO_APP_FIX_EDIT };
      },
      { text: "Fixed create-user: a one-word name no longer crashes." },
    ]);
    cleanups.push(() => model.close());
    const app: RunningApp = await startHelloApp(root, { watch: true, env: { PORT: String(await freePort()) } });
    cleanups.push(() => app.stop());

    const pi: RpcPi = startRpcPi(root, hermeticPiArgs(), piEnv(piAgentDir(root, model), { SPARK_ROLE: "sidecar" }));
    cleanups.push(() => pi.stop());
    await waitFor(
      () => readdirSync(paths.agents).some((n) => n.startsWith("sidecar-")),
      "the sidecar's presence",
      20_000,
    );

    const failed = await createUser(app.url, { name: "Ada", password: "s3cret-pw" }, "req-e2e");
    expect(failed.status).toBe(500);

    await waitFor(() => model.requests.length >= 2, "the model to be asked, then told the edit result", 30_000);
    const prompt = lastUserText(seen as ChatRequest);
    expect(prompt).toContain("a 500 in `create-user`");
    expect(prompt).toContain("features/create-user.js");
    expect(prompt).toContain("Cannot read properties of undefined (reading 'toUpperCase')");
    expect(prompt).not.toContain("s3cret-pw");
    const sparkMessages = pi.records.filter(
      (r) => r.type === "message_end" && (r.message as { customType?: string })?.customType === "spark-events",
    );
    expect(sparkMessages).toHaveLength(1);

    expect(readFileSync(join(root, "features/create-user.js"), "utf8")).toContain('(last ?? "").toUpperCase()');
    expect(await waitForFixed(app.url)).toBe(200);
    await waitFor(
      () => readdirSync(paths.delivered).some((n) => n.includes("-server-error-")),
      "the event acked into delivered/",
    );
  });
});

describe("the real pi --mode rpc, human role, with no model", () => {
  it("/spark take hands the events over, the run fails at once, and they go back to the queue with the attempt noted, never acked", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"x"}\n' });
    const { id } = (await manifest(["spark", "emit", "server-error", "--json"], root)).json<{ id: string }>();
    const args = ["--no-session", "--no-extensions", "--no-skills", "-nc", "-e", join(DIST, "pi-extension.js")];
    // An agent folder with no models.json: this Pi has no model it can use.
    const pi: RpcPi = startRpcPi(root, args, piEnv(piAgentDir(root)));
    cleanups.push(() => pi.stop());
    await waitFor(() => readdirSync(paths.agents).some((n) => n.startsWith("human-")), "the human's presence", 20_000);

    pi.send({ type: "prompt", message: "/spark take" });
    await waitFor(
      () =>
        readdirSync(paths.claimed).some((d) => readdirSync(join(paths.claimed, d)).length > 0) || pendingHasAttempt(),
      "the take",
      20_000,
    );
    await waitFor(pendingHasAttempt, "the event back in the queue with its failed attempt", 30_000);
    expect(readdirSync(paths.delivered)).not.toContain(`${id}.json`);
    const event = JSON.parse(readFileSync(join(paths.events, `${id}.json`), "utf8")) as {
      delivery: { attempts: number; lastError: string };
    };
    expect(event.delivery).toMatchObject({ attempts: 1, lastError: expect.any(String) });
    // The notice comes over RPC after the file is back in the queue: wait for it too.
    const notices = () => pi.records.flatMap((r) => (r.method === "notify" ? [String(r.message)] : []));
    const backInQueue =
      /run ended in an error before the agent answered .*1 event went back to the queue \(attempt 1 of 3\): `\/spark take` takes them again/;
    await waitFor(() => notices().some((n) => backInQueue.test(n)), "the notice that it went back", 10_000);

    function pendingHasAttempt(): boolean {
      try {
        return (
          (JSON.parse(readFileSync(join(paths.events, `${id}.json`), "utf8")) as { delivery?: unknown }).delivery !==
          undefined
        );
      } catch {
        return false;
      }
    }
  });
});
