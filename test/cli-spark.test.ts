import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { newPresence, writePresence } from "../bus/presence.js";
import { claimBatch } from "../bus/queue.js";
import { emitResultSchema, errorSchema, pauseResultSchema, resumeResultSchema, statusSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { deadPid } from "./helpers/fixtures.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/** A project of the smallest kind: a package.json. */
const PROJECT = { "package.json": '{"name":"x"}\n' };

describe("manifest spark pause / resume / status", () => {
  it("round-trips a pause in JSON mode, each document matching its schema", async () => {
    const { root } = tempProject(PROJECT);
    const paused = await manifest(["spark", "pause", "deploying v2", "--by", "alice", "--json"], root);
    expect(paused.code).toBe(0);
    expect(pauseResultSchema.parse(paused.json())).toMatchObject({ pause: { by: "alice", reason: "deploying v2" } });

    const status = statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json());
    expect(status.pause).toMatchObject({ state: "paused", by: "alice", reason: "deploying v2", stale: false });
    expect(status).toMatchObject({ held: true, holdReason: "paused by alice: deploying v2", root });

    const resumed = await manifest(["spark", "resume", "--json"], root);
    expect(resumeResultSchema.parse(resumed.json())).toMatchObject({ resumed: true, wasPaused: true });
    const after = statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json());
    expect(after.pause).toEqual({ state: "none" });
    expect(after.held).toBe(false);
  });

  it("round-trips a pause in readable mode", async () => {
    const { root } = tempProject(PROJECT);
    const paused = await manifest(["spark", "pause", "lunch"], root);
    expect(paused.stdout).toContain("Spark paused by");
    expect(paused.stdout).toContain("lunch");
    const status = await manifest(["spark", "status"], root);
    expect(status.stdout).toMatch(/Pause\s+paused by \S+: lunch, \d+s ago/);
    expect(status.stdout).toMatch(/Events\s+0 pending · 0 claimed · 0 delivered · 0 rejected · 0 expired/);
    expect(status.stdout).toMatch(/Sidecar\s+not running/);
    expect((await manifest(["spark", "resume"], root)).stdout).toContain("Spark resumed");
    expect((await manifest(["spark", "resume"], root)).stdout).toContain("Spark was not paused.");
  });

  it("leaves a person's pause alone when resume is limited to another writer", async () => {
    const { root } = tempProject(PROJECT);
    await manifest(["spark", "pause", "--by", "alice"], root);
    const resumed = await manifest(["spark", "resume", "--if-by", "git-hook", "--json"], root);
    expect(resumed.json()).toMatchObject({ resumed: false, wasPaused: true });
    expect(statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json()).pause.state).toBe("paused");
  });

  it("counts events and shows the environment and profile from the config", async () => {
    const { root } = tempProject({
      "config/spark.ts":
        'export default { environments: { staging: { tools: "read-only", behavior: "investigate" } } };\n',
    });
    const emitted = await manifest(["spark", "emit", "server-error", "--feature", "create-user", "--json"], root);
    expect(emitResultSchema.parse(emitted.json())).toMatchObject({ type: "server-error" });
    const status = statusSchema.parse(
      (await manifest(["spark", "status", "--json"], root, { SPARK_ENV: "staging" })).json(),
    );
    expect(status).toMatchObject({ environment: "staging", behavior: "investigate", tools: "read-only" });
    expect(status.events.pending).toBe(1);
  });

  it("removes dead agents' presence files and puts back what they claimed, as the sidecar does", async () => {
    const { root, paths } = tempProject();
    const ctx = { environment: "development", host: hostname(), pid: process.pid };
    const event = emitEvent(paths, { type: "server-error", error: { message: "boom" } }, ctx);
    // An agent SIGKILLed between claim and ack: its presence file and its claim stay behind.
    const dead = { ...newPresence({ id: "human-dead", role: "human", cwd: root }), pid: await deadPid() };
    writePresence(paths, dead);
    expect(claimBatch(paths, dead.id).claimed).toHaveLength(1);

    const status = statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json());
    expect(status.cleaned).toEqual({ released: 1, removedAgents: 1, endedRebasePause: false });
    expect(status.events).toMatchObject({ pending: 1, claimed: 0 });
    expect(status.agents).toEqual([]);
    expect(existsSync(join(paths.agents, "human-dead.json"))).toBe(false);
    expect(existsSync(join(paths.events, `${event.id}.json`))).toBe(true);

    writePresence(paths, { ...dead, id: "human-dead-2" });
    const text = (await manifest(["spark", "status"], root)).stdout;
    expect(text).toContain("Removed 1 presence file(s) of agents that are gone.");
  });

  it("names the bad config field and exits 3", async () => {
    const { root } = tempProject({ "config/spark.ts": 'export default { pause: { staleThresholdMinutes: "x" } };\n' });
    const status = await manifest(["spark", "status", "--json"], root);
    expect(status.code).toBe(3);
    const doc = errorSchema.parse(status.json());
    expect(doc.error.message).toContain("`pause.staleThresholdMinutes` must be a number");
    expect(status.stderr).toContain("manifest doctor");
  });
});

describe("the manifest command", () => {
  it("suggests the nearest command for a typo and exits 2", async () => {
    const { root } = tempProject();
    const result = await manifest(["spark", "stauts"], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "stauts"');
    expect(result.stderr).toContain("Did you mean `manifest spark status`?");
    expect(result.stdout).toBe("");
  });

  it("documents exit codes in --help", async () => {
    const { root } = tempProject();
    const help = await manifest(["spark", "status", "--help"], root);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("manifest spark status");
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).not.toContain("\u001b[");
  });

  it("rejects an invalid event type with what to do", async () => {
    const { root } = tempProject();
    const result = await manifest(["spark", "emit", "Bad Type"], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("lower-case kebab-case");
  });
});
