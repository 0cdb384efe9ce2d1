import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { versionAtLeast } from "../cli/doctor/checks.js";
import { startMockModel } from "./fakes/mock-openai.js";
import { manifest } from "./helpers/cli.js";
import { startManifest } from "./helpers/manifest-process.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { finished, jsonLines, waitFor } from "./helpers/processes.js";
import { DIST, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

// Pi 1.x (`@earendil-works/pi-coding-agent`) is not a dependency of this repository: `.ci/run`
// installs the newest 1.x into a folder of its own and points SPARK_TEST_PI1 at its
// node_modules, then runs this file under Node 24 (Pi 1.x needs Node 22.19 or newer). Without
// it these tests are skipped, and `.ci/run` says so in its output.
const PI1_MODULES = process.env.SPARK_TEST_PI1 ?? "";
const PI1_PACKAGE = join(PI1_MODULES, "@earendil-works", "pi-coding-agent");

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const pi1Version = () =>
  (JSON.parse(readFileSync(join(PI1_PACKAGE, "package.json"), "utf8")) as { version: string }).version;
const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);

describe.skipIf(PI1_MODULES === "")("Spark on Pi 1.x", () => {
  beforeAll(() => {
    requireBuild();
    if (!versionAtLeast(process.versions.node, "22.19.0")) {
      throw new Error(
        `Pi 1.x needs Node 22.19 or newer; this is Node ${process.versions.node}. Run this file under Node 24.`,
      );
    }
    if (!existsSync(join(PI1_PACKAGE, "package.json"))) {
      throw new Error(`SPARK_TEST_PI1=${PI1_MODULES} holds no @earendil-works/pi-coding-agent`);
    }
  });

  it("pi -p loads the extension: Spark's presence while it runs, agent-start and agent-stop on the bus", async () => {
    expect(pi1Version()).toMatch(/^1\./);
    const { root, paths } = tempProject({ "package.json": '{"name":"app"}' });
    let presentWhileAsked: string[] = [];
    const model = await startMockModel([
      () => {
        presentWhileAsked = jsonFiles(paths.agents);
        return { text: "pong" };
      },
    ]);
    cleanups.push(() => model.close());
    const cli = join(PI1_PACKAGE, "dist", "bundle", "cli.js");
    const ext = join(DIST, "pi-extension.js");
    const child = spawn(
      process.execPath,
      [
        cli,
        "-p",
        "--no-session",
        "--no-extensions",
        "--no-skills",
        "-nc",
        "-e",
        ext,
        "--model",
        "mock/mock-model",
        "ping",
      ],
      { cwd: root, env: piEnv(piAgentDir(root, model)), stdio: ["ignore", "pipe", "pipe"] },
    );
    const result = await finished(child);
    expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    expect(result.stdout.trim()).toBe("pong");
    expect(presentWhileAsked).toHaveLength(1);
    expect(jsonFiles(paths.agents)).toEqual([]);
    const events = jsonFiles(paths.events);
    expect(events.filter((n) => n.includes("-agent-start-"))).toHaveLength(1);
    expect(events.filter((n) => n.includes("-agent-stop-"))).toHaveLength(1);
  });

  it("manifest sidecar runs its SDK session on the project's Pi 1.x and delivers an event into it", async () => {
    const { root, paths } = tempProject({
      "package.json": '{"name":"app"}',
      "config/spark.ts": "export default { debounce: { windowMs: 50 } };\n",
    });
    // The project has Pi 1.x installed; Spark itself sits beside Pi 0.73: the project's wins.
    mkdirSync(join(root, "node_modules"));
    symlinkSync(join(PI1_MODULES, "@earendil-works"), join(root, "node_modules", "@earendil-works"));
    const model = await startMockModel([{ text: "Looked at it: nothing to fix." }]);
    cleanups.push(() => model.close());
    const sidecar = startManifest(
      ["sidecar", "--headless", "--model", "mock/mock-model"],
      root,
      piEnv(piAgentDir(root, model)),
    );
    const lines = () => jsonLines({ lines: sidecar.lines, stdout: () => "", stderr: sidecar.stderr });
    const ready = await waitFor(() => lines().find((l) => l.type === "ready"), "the ready line", 30_000);
    expect(ready).toMatchObject({ model: "mock/mock-model", pi: `@earendil-works/pi-coding-agent@${pi1Version()}` });

    const id = (await manifest(["spark", "emit", "server-error", "--json"], root)).json<{ id: string }>().id;
    await waitFor(() => jsonFiles(paths.delivered).includes(`${id}.json`), "the event in delivered/", 30_000);
    sidecar.child.kill("SIGTERM");
    expect((await sidecar.exit).code).toBe(0);

    const asked = model.requests.filter((r) => JSON.stringify(r.messages).includes(id));
    expect(asked).toHaveLength(1);
    const sessions = join(paths.spark, "sessions");
    // Pi 1.x makes its session file itself (exclusively): the host tightens it once it exists.
    const files = readdirSync(sessions).filter((n) => n.endsWith(".jsonl"));
    expect(files.map((n) => statSync(join(sessions, n)).mode & 0o777)).toEqual([0o600]);
    const entries = files
      .flatMap((n) => readFileSync(join(sessions, n), "utf8").trim().split("\n"))
      .map((l) => JSON.parse(l) as { type: string; customType?: string; details?: { ids?: string[] } });
    const batches = entries.filter((e) => e.type === "custom_message" && e.customType === "spark-events");
    expect(batches.map((e) => e.details?.ids)).toEqual([[id]]);
  }, 90_000);
});
