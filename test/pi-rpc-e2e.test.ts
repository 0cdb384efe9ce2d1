import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { HELLO_APP_FIX_EDIT } from "../sidecar/replay-model.js";
import { type ChatRequest, lastUserText, type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { copyHelloApp, createUser, type RunningApp, startHelloApp, waitForFixed } from "./helpers/hello-app.js";
import { hermeticPiArgs, piAgentDir, piEnv, type RpcPi, startRpcPi } from "./helpers/pi-cli.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
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
