import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMockModel } from "./fakes/mock-openai.js";
import { hermeticPiArgs, PI, piAgentDir, piEnv, startRpcPi } from "./helpers/pi-cli.js";
import { finished, waitFor } from "./helpers/processes.js";
import { DIST, REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const EXT = join(DIST, "pi-extension.js");
const presence = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);

/** inotify watches the process holds (Linux): one line per watched path in fdinfo. */
function inotifyWatches(pid: number): number {
  let watches = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8");
      watches += info.split("\n").filter((l) => l.startsWith("inotify wd:")).length;
    } catch {
      // The fd closed meanwhile.
    }
  }
  return watches;
}

/** The watch count once it has stopped changing for a few polls. */
async function settledWatches(pid: number): Promise<number> {
  let last = -1;
  let stable = 0;
  return waitFor(
    () => {
      const now = inotifyWatches(pid);
      stable = now === last && now > 0 ? stable + 1 : 0;
      last = now;
      return stable >= 5 ? now : undefined;
    },
    "the watches to settle",
    20_000,
    50,
  );
}

describe("pi -p with Spark loaded", () => {
  it("answers and exits on its own, leaving no presence file behind", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"app"}' });
    const model = await startMockModel([{ text: "pong" }]);
    cleanups.push(() => model.close());
    const child = spawn(
      PI,
      ["-p", "--no-session", "--no-extensions", "--no-skills", "-nc", "-e", EXT, "--model", "mock/mock-model", "ping"],
      { cwd: root, env: piEnv(piAgentDir(root, model)), stdio: ["ignore", "pipe", "pipe"] },
    );
    const result = await finished(child);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("pong");
    expect(result.stderr).not.toContain("Extension error");
    expect(presence(paths.agents)).toEqual([]);
    const events = readdirSync(paths.events).filter((n) => n.endsWith(".json"));
    expect(events.some((n) => n.includes("-agent-start-"))).toBe(true);
    expect(events.some((n) => n.includes("-agent-stop-"))).toBe(true);
  });
});

describe("pi outside any project", () => {
  it("leaves no .spark/ behind in a folder that is no project (no package.json, git, config)", async () => {
    const { root } = tempProject();
    const model = await startMockModel([{ text: "pong" }]);
    cleanups.push(() => model.close());
    const child = spawn(
      PI,
      ["-p", "--no-session", "--no-extensions", "--no-skills", "-nc", "-e", EXT, "--model", "mock/mock-model", "ping"],
      {
        cwd: root,
        env: piEnv(piAgentDir(root, model)),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const result = await finished(child);
    expect(result.code).toBe(0);
    expect(existsSync(join(root, ".spark"))).toBe(false);
  });
});

describe.runIf(process.platform === "linux")("session replacement", () => {
  it("/reload and /new leave exactly one live presence file and no leaked watcher", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": "export default { watcher: { backstopMs: 200 } };\n" });
    const model = await startMockModel();
    cleanups.push(() => model.close());
    const pi = startRpcPi(
      root,
      hermeticPiArgs([EXT, join(REPO, "test/fixtures/reload-extension.ts")]),
      piEnv(piAgentDir(root, model), { SPARK_ROLE: "sidecar" }),
    );
    cleanups.push(() => pi.stop());
    const pid = pi.child.pid as number;
    await waitFor(() => presence(paths.agents).length === 1, "the first presence file", 20_000);
    const first = presence(paths.agents)[0];
    // The extension sets its watches up as it starts: wait until they are all in place.
    const baseline = await settledWatches(pid);
    expect(baseline).toBeGreaterThan(0);

    pi.send({ id: "r1", type: "prompt", message: "/test-reload" });
    await waitFor(
      () => presence(paths.agents).length === 1 && presence(paths.agents)[0] !== first,
      "a fresh presence after /reload",
    );
    const afterReload = presence(paths.agents)[0];
    await waitFor(() => inotifyWatches(pid) === baseline, "the watch count back at its baseline after /reload");

    pi.send({ id: "n1", type: "new_session" });
    await waitFor(
      () => presence(paths.agents).length === 1 && presence(paths.agents)[0] !== afterReload,
      "a fresh presence after /new",
    );
    await waitFor(() => inotifyWatches(pid) === baseline, "the watch count back at its baseline after /new");
    expect(presence(paths.agents)).toHaveLength(1);
    expect(pi.records.filter((r) => r.type === "extension_error")).toEqual([]);
  });
});

describe("Spark as a Pi package", () => {
  it("loads its extension and its skill from the package folder with pi -e, without spark init", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"app"}' });
    const model = await startMockModel();
    cleanups.push(() => model.close());
    const pi = startRpcPi(
      root,
      ["--no-session", "--no-extensions", "-nc", "-e", REPO, "--model", "mock/mock-model"],
      piEnv(piAgentDir(root, model)),
    );
    cleanups.push(() => pi.stop());
    await waitFor(() => presence(paths.agents).length === 1, "Spark's presence file", 20_000);
    pi.send({ id: "c1", type: "get_commands" });
    const reply = await waitFor(() => pi.records.find((r) => r.id === "c1"), "the command list");
    const names = ((reply.data as { commands: Array<{ name: string }> }).commands ?? []).map((c) => c.name);
    expect(names).toContain("spark");
    expect(names).toContain("skill:spark");
  });
});
