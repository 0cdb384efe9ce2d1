import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { collectOutput, finished, jsonLines, waitFor } from "./helpers/processes.js";
import { REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

const HOST = join(REPO, "test/fixtures/sidecar-sdk-host.mjs");
const CONFIG = "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n";

beforeAll(requireBuild);

function host(root: string, sessionDir: string, mode: "seed" | "serve", env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcess = spawn(process.execPath, [HOST, root, sessionDir, mode], {
    cwd: root,
    env: { ...process.env, SPARK_FAULT: "", SPARK_ROLE: "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  return { child, lines: () => jsonLines(output), done: finished(child, output) };
}

const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);
const claimedIds = (paths: BusPaths) =>
  existsSync(paths.claimed) ? readdirSync(paths.claimed).flatMap((owner) => files(join(paths.claimed, owner))) : [];

describe("a sidecar killed between claim and ack", () => {
  it.each([
    ["after it injected the batch (the session remembers it: acked without a second message)", "after-inject", true],
    ["before it injected the batch (the restart injects it)", "after-claim", true],
    // Pi writes a session file only once it holds an assistant message: a crash before that
    // leaves nothing on disk, so the restart must inject the batch again (not ack it unseen).
    ["after injecting into a brand-new session, before the model answered", "after-inject", false],
  ])("%s, delivers the batch exactly once after a restart", async (_what, fault, seeded) => {
    const { root, paths } = tempProject({ "config/spark.ts": CONFIG });
    const sessionDir = join(root, "sessions");
    if (seeded) {
      // A session with one exchange already on disk, as a sidecar that has been running has.
      const seed = host(root, sessionDir, "seed");
      expect((await seed.done).code).toBe(0);
    }

    const crashing = host(root, sessionDir, "serve", { SPARK_FAULT: fault });
    await waitFor(() => crashing.lines().some((l) => l.ready), "the first sidecar to start");
    const event = emitEvent(
      paths,
      { type: "server-error", feature: "create-user", error: new Error("boom") },
      { environment: "development", host: "t", pid: 1 },
    );
    const crash = await crashing.done;
    expect(crash.signal).toBe("SIGKILL");
    expect(claimedIds(paths)).toContain(`${event.id}.json`);

    const restarted = host(root, sessionDir, "serve");
    await waitFor(
      () => files(paths.delivered).includes(`${event.id}.json`),
      "the event to be delivered after the restart",
    );
    restarted.child.stdin?.end();
    const result = await restarted.done;
    expect(result.code).toBe(0);
    const summary = restarted.lines().find((l) => l.sparkMessages) as { sparkMessages: Array<{ ids: string[] }> };
    const withEvent = summary.sparkMessages.filter((m) => m.ids.includes(event.id));
    expect(withEvent).toHaveLength(1);
    expect(claimedIds(paths)).toEqual([]);
  });
});
