import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { HELLO_APP_FIX_EDIT } from "../sidecar/replay-model.js";
import { startMockModel } from "./fakes/mock-openai.js";
import { copyHelloApp, createUser, startHelloApp } from "./helpers/hello-app.js";
import { startManifest } from "./helpers/manifest-process.js";
import { hasNatsServer, startNats } from "./helpers/nats.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { type Machine, startRelayProcess } from "./helpers/relay.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The example app on a machine of project "hello" on the hub. */
function helloMachine(name: string, url: string): Machine {
  const { root, paths } = tempProject();
  copyHelloApp(root);
  const hub = { url, machine: name, project: "hello" };
  writeFileSync(
    join(root, "config/spark.ts"),
    `export default { debounce: { windowMs: 300 }, hub: ${JSON.stringify(hub)} };\n`,
  );
  return { name, root, paths };
}

const BUGGY = "features/create-user.js";

describe.runIf(hasNatsServer())("relay: an app error on one machine, fixed by the sidecar on another", () => {
  it("a 500 on A is delivered once, to the real sidecar on C (scripted model), which fixes it there", async () => {
    const hub = await startNats();
    const a = helloMachine("a", hub.url);
    const c = helloMachine("c", hub.url);
    const model = await startMockModel([
      { tool: "edit", args: HELLO_APP_FIX_EDIT },
      { text: "Fixed: create-user handles a name without a last name." },
    ]);
    cleanups.push(() => model.close());
    const sidecar = startManifest(
      ["sidecar", "--headless", "--model", "mock/mock-model"],
      c.root,
      piEnv(piAgentDir(c.root, model)),
    );
    cleanups.push(async () => {
      if (sidecar.child.exitCode === null) sidecar.child.kill("SIGTERM");
      await sidecar.exit;
    });
    const sidecarLines = () =>
      sidecar
        .lines()
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor(() => sidecarLines().find((l) => l.type === "ready"), "C's sidecar ready", 20_000);
    const relayA = startRelayProcess(a);
    const relayC = startRelayProcess(c);
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for C's sidecar");
    await relayA.waitFor((x) => x.type === "connected", "A connected");

    const app = await startHelloApp(a.root, { env: { PORT: String(await freePort()) } });
    cleanups.push(() => app.stop());
    expect((await createUser(app.url, { name: "Ada" }, "req-relay")).status).toBe(500);

    await waitFor(
      () => sidecarLines().some((l) => l.type === "tool-end" && l.name === "edit"),
      "the edit on C",
      60_000,
    );
    const messages = sidecarLines().filter((l) => l.type === "spark" && l.customType === "spark-events");
    expect(messages).toHaveLength(1);
    expect(String(messages[0]?.text)).toContain("a 500 in `create-user`");
    // The fix lands in C's working copy, where the sidecar runs; A's copy is untouched.
    expect(readFileSync(join(c.root, BUGGY), "utf8")).toContain('(last ?? "").toUpperCase()');
    expect(readFileSync(join(a.root, BUGGY), "utf8")).not.toContain('(last ?? "").toUpperCase()');
    // The same event, by name: out of A once, into C once, delivered there.
    const published = relayA.records().filter((x) => x.type === "published");
    expect(published).toHaveLength(1);
    const name = (published[0] as { name: string }).name;
    expect(readdirSync(a.paths.delivered)).toContain(name);
    await waitFor(() => readdirSync(c.paths.delivered).includes(name), "the event delivered on C", 30_000);
    expect(relayC.records().filter((x) => x.type === "received")).toEqual([
      { type: "received", name, from: "a", deliveries: 1 },
    ]);
  });
});
