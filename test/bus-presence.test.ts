import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isPresenceAlive, PRESENCE_TTL_MS, pidExists } from "../bus/liveness.js";
import type { BusPaths } from "../bus/paths.js";
import {
  type AgentPresence,
  consumerAliveCheck,
  liveAgents,
  localLivenessFacts,
  newPresence,
  readPresence,
  removeDeadAgents,
  writePresence,
} from "../bus/presence.js";
import { ageFile, walk } from "./helpers/bus-state.js";
import { deadPid, FIXTURES, killFixture, runFixture, startFixture } from "./helpers/fixtures.js";
import { waitFor } from "./helpers/processes.js";
import { DIST, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const OTHER_HOST = "sprite-7f3a-not-this-host";

/** Writes a presence record as some agent somewhere would have, with the given facts. */
function plant(
  paths: BusPaths,
  facts: { id: string; pid: number; host?: string; heartbeatAgeMs?: number },
): AgentPresence {
  const beat = new Date(Date.now() - (facts.heartbeatAgeMs ?? 0)).toISOString();
  const agent = {
    ...newPresence({ id: facts.id, role: "sidecar", cwd: paths.root }),
    pid: facts.pid,
    host: facts.host ?? hostname(),
    heartbeatAt: beat,
  };
  writePresence(paths, agent);
  return agent;
}

/**
 * A copy of the built bus and the check-pid fixture that user nobody can read: the checkout
 * itself may sit under a folder only root can enter (a clean clone in a 0700 temp dir).
 */
function worldReadableFixtures(): string {
  const { root } = tempProject();
  cpSync(DIST, join(root, "dist"), {
    recursive: true,
    filter: (src) => !src.endsWith(".map") && !src.endsWith("types"),
  });
  mkdirSync(join(root, "test", "fixtures"), { recursive: true });
  for (const name of ["check-pid.mjs", "_common.mjs"])
    cpSync(join(FIXTURES, name), join(root, "test", "fixtures", name));
  for (const { path, stat } of [{ path: root, stat: statSync(root) }, ...walk(root)]) {
    chmodSync(path, stat.isDirectory() ? 0o755 : 0o644);
  }
  return root;
}

const agentFiles = (paths: BusPaths) =>
  readdirSync(paths.agents)
    .filter((name) => !name.startsWith("."))
    .sort();

describe("an agent whose process has died (its pid no longer exists)", () => {
  it("counts as dead although its heartbeat is fresh, and removeDeadAgents removes it", async () => {
    const { root, paths } = tempProject();
    await runFixture("write-presence.mjs", [root, "--id", "human-gone"], { cwd: root });
    const record = readPresence(paths, "human-gone");
    if (!record) throw new Error("the agent wrote no presence");
    expect(Date.now() - Date.parse(record.heartbeatAt)).toBeLessThan(PRESENCE_TTL_MS);

    expect(pidExists(record.pid)).toBe(false);
    expect(isPresenceAlive(record, localLivenessFacts())).toBe(false);
    expect(liveAgents(paths)).toEqual([]);
    expect(removeDeadAgents(paths)).toEqual(["human-gone.json"]);
    expect(agentFiles(paths)).toEqual([]);
  });
});

describe("an agent whose process is running", () => {
  it("counts as alive and is kept, until the process is killed", async () => {
    const { root, paths } = tempProject();
    const agent = startFixture("write-presence.mjs", [root, "--id", "human-here", "--hang"], { cwd: root });
    await waitFor(() => agent.lines().includes("present"), "the agent's presence");

    expect(liveAgents(paths).map((a) => a.id)).toEqual(["human-here"]);
    expect(removeDeadAgents(paths)).toEqual([]);

    await killFixture(agent);
    expect(liveAgents(paths)).toEqual([]);
    expect(removeDeadAgents(paths)).toEqual(["human-here.json"]);
  });

  it("counts as dead once its heartbeat is older than the TTL, pid or not", () => {
    const { paths } = tempProject();
    const agent = plant(paths, { id: "sidecar-stuck", pid: process.pid, heartbeatAgeMs: PRESENCE_TTL_MS + 5_000 });
    expect(pidExists(agent.pid)).toBe(true);
    expect(isPresenceAlive(agent, localLivenessFacts())).toBe(false);
    expect(removeDeadAgents(paths)).toEqual(["sidecar-stuck.json"]);
  });
});

describe("a live process of another user (kill(pid, 0) fails with EPERM)", () => {
  const isRoot = process.getuid?.() === 0;

  it.runIf(isRoot)("counts as existing: checked by user nobody against this test's own pid", async () => {
    const nobody = Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim());
    const group = Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim());
    const copy = worldReadableFixtures();
    const script = join(copy, "test", "fixtures", "check-pid.mjs");
    const result = await runFixture(script, [String(process.pid)], { cwd: copy, uid: nobody, gid: group });
    expect(JSON.parse(result.stdout)).toEqual({ uid: nobody, signal: "EPERM", pidExists: true, alive: true });
  });

  it.skipIf(isRoot)("counts as existing: pid 1 belongs to another user", () => {
    expect(pidExists(1)).toBe(true);
  });

  it.runIf(process.platform === "linux")("counts as gone once ended, though nobody reaped it (a zombie)", async () => {
    // The shell starts a short sleep, then becomes a long one that never reaps it.
    const parent = spawn("sh", ["-c", "sleep 0.05 & echo $!; exec sleep 5"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const [line] = (await once(parent.stdout, "data")) as [Buffer];
      const pid = Number(line.toString().trim());
      await waitFor(() => readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "), "the zombie");
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(pidExists(pid)).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});

describe("an agent on another host", () => {
  it("counts as alive on a fresh heartbeat alone, even with a pid that does not exist here", async () => {
    const { paths } = tempProject();
    const gone = await deadPid();
    const agent = plant(paths, { id: "sidecar-remote", pid: gone, host: OTHER_HOST });
    expect(pidExists(gone)).toBe(false);
    expect(isPresenceAlive(agent, localLivenessFacts())).toBe(true);
    expect(consumerAliveCheck(paths)("sidecar-remote")).toBe(true);
    expect(removeDeadAgents(paths)).toEqual([]);
    expect(agentFiles(paths)).toEqual(["sidecar-remote.json"]);
  });

  it("counts as dead once its heartbeat is older than the TTL, and is removed", () => {
    const { paths } = tempProject();
    const agent = plant(paths, {
      id: "sidecar-remote",
      pid: process.pid,
      host: OTHER_HOST,
      heartbeatAgeMs: PRESENCE_TTL_MS + 5_000,
    });
    expect(isPresenceAlive(agent, localLivenessFacts())).toBe(false);
    expect(consumerAliveCheck(paths)("sidecar-remote")).toBe(false);
    expect(removeDeadAgents(paths)).toEqual(["sidecar-remote.json"]);
  });
});

describe("a presence file that cannot be parsed", () => {
  it("is kept while younger than the TTL and removed once older", () => {
    const { paths } = tempProject();
    plant(paths, { id: "sidecar-ok", pid: process.pid });
    const broken = join(paths.agents, "human-broken.json");
    writeFileSync(broken, "{not json");
    expect(removeDeadAgents(paths)).toEqual([]);

    ageFile(broken, PRESENCE_TTL_MS + 5_000);
    expect(removeDeadAgents(paths)).toEqual(["human-broken.json"]);
    expect(agentFiles(paths)).toEqual(["sidecar-ok.json"]);
  });

  it("never counts as a live consumer", () => {
    const { paths } = tempProject();
    plant(paths, { id: "sidecar-ok", pid: process.pid });
    writeFileSync(join(paths.agents, "human-broken.json"), "{not json");
    expect(consumerAliveCheck(paths)("human-broken")).toBe(false);
  });
});
