import { spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { type ChatRequest, type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { walk } from "./helpers/bus-state.js";
import { CLI } from "./helpers/cli.js";
import { startDashboardTmux } from "./helpers/dashboard-tmux.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { collectOutput, finished, jsonLines, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { leakedSecrets, type SecretEnv, secretEnv } from "./helpers/secret-env.js";
import { tempProject } from "./helpers/temp-project.js";
import { hasTmux } from "./helpers/tmux.js";

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAST = "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n";
const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };

/** The text of the newest tool result in a request (what the model was shown of the tool's output). */
function lastToolText(request: ChatRequest): string {
  const tool = [...request.messages].reverse().find((m) => m.role === "tool");
  if (!tool) return "";
  return typeof tool.content === "string" ? tool.content : JSON.stringify(tool.content);
}

/**
 * A project with a `.env` of secrets, and a model that answers the app's failure with
 * `cat .env`, then repeats what it was shown word for word (a model that leaks whatever it
 * reads: a secret that reached it would be in its answer, so on every screen and in the log).
 */
async function catEnvScene(): Promise<{ root: string; paths: BusPaths; env: SecretEnv; model: MockModel }> {
  const { root, paths } = tempProject({ "config/spark.ts": FAST });
  const env = secretEnv();
  writeFileSync(join(root, ".env"), env.text);
  const model = await startMockModel([
    { tool: "bash", args: { command: "cat .env" } },
    (request) => ({ text: `Here is what I read:\n${lastToolText(request)}` }),
  ]);
  cleanups.push(() => model.close());
  return { root, paths, env, model };
}

const failure = (paths: BusPaths) =>
  emitEvent(
    paths,
    { type: "server-error", feature: "checkout", route: "POST /pay", status: 500, error: new Error("payment failed") },
    writer,
  );

/** Every byte under `.spark/`, file by file (sessions included). */
function sparkFiles(paths: BusPaths): Array<{ path: string; text: string; mode: number }> {
  return walk(paths.spark)
    .filter((e) => e.stat.isFile())
    .map((e) => ({ path: e.path, text: readFileSync(e.path, "utf8"), mode: e.stat.mode & 0o777 }));
}

function expectNoLeakOnDisk(paths: BusPaths, env: SecretEnv): void {
  const files = sparkFiles(paths);
  expect(files.some((f) => f.path.includes(`${join(".spark", "sessions")}`) && f.text.includes("cat .env"))).toBe(true);
  for (const f of files) {
    expect(leakedSecrets(f.text, env.secrets), f.path).toEqual([]);
    expect(f.mode, f.path).toBe(0o600);
  }
}

function expectModelSawNoSecret(model: MockModel, env: SecretEnv): void {
  expect(model.requests.length).toBeGreaterThanOrEqual(2);
  expect(leakedSecrets(JSON.stringify(model.requests), env.secrets)).toEqual([]);
  // It saw the file, redacted, with the note that says so.
  const shown = lastToolText(model.requests[1] as ChatRequest);
  expect(shown).toContain("DB_PASSWORD=[REDACTED]");
  expect(shown).toContain("PORT=3000");
  expect(shown).toMatch(/Spark replaced \d+ secret-looking values in this output/);
}

describe("a sidecar that runs `cat .env`", () => {
  it("headless: no secret in .spark/ (sessions included), on stdout, or in any request the model received", async () => {
    const { root, paths, env, model } = await catEnvScene();
    const child = spawn(process.execPath, [CLI, "sidecar", "--headless", "--model", "mock/mock-model"], {
      cwd: root,
      env: piEnv(piAgentDir(root, model)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = collectOutput(child);
    const done = finished(child, output);
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await done;
    });
    await waitFor(() => jsonLines(output).some((l) => l.type === "ready"), "the ready line", 45_000);

    failure(paths);
    await waitFor(
      () => jsonLines(output).some((l) => l.type === "assistant" && String(l.text).includes("Here is what I read")),
      "the model's answer",
      30_000,
    );
    child.kill("SIGTERM");
    expect((await done).code).toBe(0);

    const lines = jsonLines(output);
    const toolEnd = lines.find((l) => l.type === "tool-end" && l.name === "bash");
    expect(toolEnd?.summary).toBe("DATABASE_URL=postgres://app:[REDACTED]@db.internal:5432/app");
    expect(leakedSecrets(output.stdout(), env.secrets)).toEqual([]);
    expectModelSawNoSecret(model, env);
    expectNoLeakOnDisk(paths, env);
  });

  it.skipIf(!hasTmux())("dashboard: no secret on the screen at any moment of the run", async () => {
    const { root, paths, env, model } = await catEnvScene();
    const tmux = startDashboardTmux(root, piAgentDir(root, model), ["--model", "mock/mock-model"], {
      width: 100,
      height: 70,
    });
    cleanups.push(() => tmux.stop());
    await tmux.waitForScreen(/Agents +1 live/, undefined, 45_000);

    // Every screen from the event to the model's answer is looked at, not only the last one.
    const screens: string[] = [];
    failure(paths);
    await waitFor(
      () => {
        const screen = tmux.screen();
        screens.push(screen);
        return /Here is what I read/.test(screen) && /agent idle/.test(screen);
      },
      "the model's answer on screen",
      30_000,
      50,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- screen:\n${screens.at(-1)}`);
    });
    const last = screens.at(-1) ?? "";
    expect(last).toContain("bash cat .env → DATABASE_URL=postgres://app:[REDACTED]@db.internal");
    expect(last).toContain("DB_PASSWORD=[REDACTED]");
    for (const screen of screens) expect(leakedSecrets(screen, env.secrets)).toEqual([]);

    tmux.keys(tmux.session, "q");
    await tmux.waitForScreen(/exit status 0/, undefined, 20_000);
    expectModelSawNoSecret(model, env);
    expectNoLeakOnDisk(paths, env);
    const session = sparkFiles(paths).find((f) => f.path.endsWith(".jsonl"));
    expect(session && statSync(session.path).size).toBeGreaterThan(0);
  });
});
