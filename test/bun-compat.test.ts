import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockModel } from "./fakes/mock-openai.js";
import { findBun } from "./helpers/bun.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { finished } from "./helpers/processes.js";
import { DIST, REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

/**
 * Pi also runs under Bun (`bunx pi`). These run when a `bun` is at hand: on PATH, or named by
 * SPARK_TEST_BUN (see test/helpers/bun.ts).
 */
const BUN = findBun();

beforeAll(requireBuild);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe.runIf(BUN !== undefined)("under Bun", () => {
  it("pi -p with the Spark extension answers, writes presence events and exits", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"app"}' });
    const model = await startMockModel([{ text: "pong from bun" }]);
    cleanups.push(() => model.close());
    const cli = join(REPO, "node_modules/@mariozechner/pi-coding-agent/dist/cli.js");
    const child = spawn(
      BUN as string,
      [
        cli,
        "-p",
        "--no-session",
        "--no-extensions",
        "-nc",
        "-e",
        join(DIST, "pi-extension.js"),
        "--model",
        "mock/mock-model",
        "ping",
      ],
      { cwd: root, env: piEnv(piAgentDir(root, model)), stdio: ["ignore", "pipe", "pipe"] },
    );
    const result = await finished(child);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("pong from bun");
    const events = readdirSync(paths.events).filter((n) => n.endsWith(".json"));
    expect(events.some((n) => n.includes("-agent-start-"))).toBe(true);
    expect(events.some((n) => n.includes("-agent-stop-"))).toBe(true);
    expect(readdirSync(paths.agents).filter((n) => n.endsWith(".json"))).toEqual([]);
  });

  it("the app-side emitter records an uncaught exception and the process still dies", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"app"}' });
    const child = spawn(
      BUN as string,
      [join(REPO, "test/fixtures/emitter-app.mjs"), "uncaught", join(DIST, "index.js")],
      {
        cwd: root,
        env: { ...process.env, SPARK_ENABLED: "", SPARK_ENV: "", NODE_ENV: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const result = await finished(child);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("boom in a timer");
    const events = readdirSync(paths.events).filter((n) => n.endsWith(".json"));
    expect(events.some((n) => n.includes("-unhandled-error-"))).toBe(true);
  });
});
