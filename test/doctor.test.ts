import { chmodSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { delimiter, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { recentRuns } from "../bus/runs.js";
import { toolProblem } from "../cli/_tools.js";
import { buildChecks, type Check, type DoctorFacts, versionAtLeast } from "../cli/doctor/checks.js";
import type { HookStatus } from "../cli/hooks/state.js";
import { doctorResultSchema } from "../cli/schemas-setup.js";
import { manifest } from "./helpers/cli.js";
import { REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const MIN = 60_000;

function hook(name: string, roles: HookStatus["roles"], state: HookStatus["state"] = "installed"): HookStatus {
  return { name, roles, checks: roles.includes("checks") ? ["npm test"] : [], state, chained: false };
}

/** Facts of a project where everything is right. */
function healthy(): DoctorFacts {
  return {
    now: NOW,
    nodeVersion: "20.20.2",
    pi: { found: true, path: "/p/node_modules/.bin/pi", version: "0.73.1", problem: undefined },
    piTrust: { state: "undecided", store: "/home/u/.pi/agent/trust.json" },
    model: { state: "ok", model: "anthropic/claude-sonnet-4-5", source: "pi-default", agentDir: "/home/a/.pi/agent" },
    piSettings: {
      state: "ok",
      extension: { entry: "../node_modules/manifest-spark/dist/pi-extension.js", resolved: "/p/x.js", exists: true },
      skills: { entry: "../node_modules/manifest-spark/skills", resolved: "/p/skills", exists: true },
    },
    config: { state: "ok", file: "config/spark.ts" },
    toolLevels: { development: "full", production: "approve" },
    bus: { exists: true, gitignore: true, missing: [], loose: [] },
    pause: { kind: "none" },
    staleMinutes: 30,
    rebaseInProgress: false,
    agents: { live: 1, dead: [], unreadable: [] },
    counts: { pending: 0, claimed: 0, delivered: 4, rejected: 0, expired: 0 },
    sidecar: { id: "sidecar-1-ab", pid: 123 },
    runs: [],
    tmux: { found: true, version: "tmux 3.3a" },
    tools: {
      sidecar: undefined,
      found: [
        { name: "pi", source: "global" },
        { name: "dashboard", source: "project" },
        { name: "relay", source: undefined },
      ],
    },
    git: {
      state: "ok",
      hooksDir: "/p/.git/hooks",
      hooks: [hook("pre-rebase", ["pause"]), hook("post-rewrite", ["resume"]), hook("pre-push", ["checks"])],
    },
    frameworks: [],
  };
}

function check(facts: DoctorFacts, id: string): Check {
  const found = buildChecks(facts).find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

const pause = (by: string, ageMs: number, stale: boolean, reason = ""): DoctorFacts["pause"] => ({
  kind: "paused",
  pause: { by, reason, since: new Date(NOW - ageMs).toISOString() },
  ageMs,
  stale,
});

describe("buildChecks (pure)", () => {
  it("passes a healthy project, every check ok", () => {
    const checks = buildChecks(healthy());
    expect(checks.map((c) => c.id)).toEqual([
      "node",
      "pi",
      "tools",
      "model",
      "pi-extension",
      "pi-skills",
      "config",
      "tools-level",
      "framework",
      "bus",
      "pause",
      "agents",
      "events",
      "sidecar",
      "runs",
      "tmux",
      "git-hooks",
    ]);
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
  });

  it("says where each tool is installed (a global Pi counts) and which are not", () => {
    const tools = check(healthy(), "tools");
    expect(tools.detail).toBe("installed: pi (global), dashboard (project)");
    expect(tools.lines).toEqual(["not installed: relay (the commands that use them say how to add them)"]);
  });

  interface Case {
    name: string;
    /** Replaces these facts of the healthy project. */
    patch: Partial<DoctorFacts>;
    id: string;
    status: "warn" | "fail";
    detail: string;
    next: string;
  }
  type OkSettings = Extract<DoctorFacts["piSettings"], { state: "ok" }>;
  const settings = (patch: Partial<OkSettings>): DoctorFacts["piSettings"] => {
    const base = healthy().piSettings;
    return base.state === "ok" ? { ...base, ...patch } : base;
  };
  const hooks = (...list: HookStatus[]): DoctorFacts["git"] => ({
    state: "ok",
    hooksDir: "/p/.git/hooks",
    hooks: list,
  });
  const ext = { entry: "../gone/manifest-spark/dist/pi-extension.js", resolved: "/gone/x.js", exists: false };
  // biome-ignore format: one line per case reads as a table
  const cases: Case[] = [
    { name: "old Node", patch: { nodeVersion: "18.20.4" }, id: "node", status: "fail", detail: "older than 20.19.0", next: "Node 20.19 or newer" },
    { name: "no pi", patch: { pi: { found: false, searched: ["node_modules/.bin", "PATH"] } }, id: "pi", status: "fail", detail: "not installed", next: "npm install -D @mariozechner/pi-coding-agent" },
    { name: "no Pi SDK or blessed", patch: { tools: { ...healthy().tools, sidecar: toolProblem("manifest sidecar", ["pi", "dashboard"], { project: () => undefined, global: () => undefined }) } }, id: "tools", status: "fail", detail: "`manifest sidecar` needs the sidecar (a Pi session) (@mariozechner/pi-coding-agent@0.73.1) and the sidecar's terminal dashboard (blessed@0.1.81)", next: "npm install -D @mariozechner/pi-coding-agent@0.73.1 blessed@0.1.81" },
    { name: "pi that does not run", patch: { pi: { found: true, path: "/bin/pi", version: undefined, problem: "timed out" } }, id: "pi", status: "fail", detail: "timed out", next: "Reinstall Pi" },
    { name: "no .pi/settings.json", patch: { piSettings: { state: "missing" } }, id: "pi-extension", status: "fail", detail: "no .pi/settings.json", next: "manifest spark init" },
    { name: "malformed settings", patch: { piSettings: { state: "malformed", problem: "not valid JSON (Unexpected token)" } }, id: "pi-extension", status: "fail", detail: "Unexpected token", next: "Fix .pi/settings.json" },
    { name: "extension not listed", patch: { piSettings: settings({ extension: undefined }) }, id: "pi-extension", status: "fail", detail: "does not list the Spark extension", next: "manifest spark init" },
    { name: "extension that does not resolve", patch: { piSettings: settings({ extension: ext }) }, id: "pi-extension", status: "fail", detail: "does not resolve", next: "replaces that entry" },
    { name: "skills not listed", patch: { piSettings: settings({ skills: undefined }) }, id: "pi-skills", status: "warn", detail: "does not list Spark's skills", next: "manifest spark init" },
    { name: "config with a bad field", patch: { config: { state: "error", file: "config/spark.ts", field: "pause.staleThresholdMinutes", message: "`pause.staleThresholdMinutes` must be a number" } }, id: "config", status: "fail", detail: "`pause.staleThresholdMinutes` is invalid", next: "Fix `pause.staleThresholdMinutes` in config/spark.ts" },
    { name: "config that does not load", patch: { config: { state: "error", file: "config/spark.ts", field: undefined, message: "could not be loaded: SyntaxError" } }, id: "config", status: "fail", detail: "SyntaxError", next: "default-export" },
    { name: "no config", patch: { config: { state: "ok", file: undefined } }, id: "config", status: "warn", detail: "the defaults apply", next: "manifest spark init" },
    { name: "no .spark/", patch: { bus: { exists: false, gitignore: false, missing: [".spark"], loose: [] } }, id: "bus", status: "fail", detail: ".spark/ does not exist", next: "manifest spark init" },
    { name: "loose .spark/ modes", patch: { bus: { exists: true, gitignore: true, missing: [], loose: [{ path: ".spark/events", mode: 0o755 }] } }, id: "bus", status: "fail", detail: ".spark/events (0755)", next: "manifest doctor --fix" },
    { name: "production with full tools", patch: { toolLevels: { development: "full", production: "full" } }, id: "tools-level", status: "warn", detail: 'production runs with tools "full"', next: '`environments.production.tools` to "approve"' },
    { name: "missing folder, no .gitignore", patch: { bus: { exists: true, gitignore: false, missing: [".spark/agents"], loose: [] } }, id: "bus", status: "warn", detail: "missing .spark/agents", next: "manifest doctor --fix" },
    { name: "unreadable pause", patch: { pause: { kind: "unreadable", problem: "not valid JSON" } }, id: "pause", status: "fail", detail: "counts as a pause", next: "manifest spark resume" },
    { name: "stale pause", patch: { pause: pause("alice", 45 * MIN, true, "lunch") }, id: "pause", status: "warn", detail: "stale (older than 30 min)", next: "manifest spark resume" },
    { name: "rebase pause, no rebase", patch: { pause: pause("git-hook:rebase", 5 * MIN, false) }, id: "pause", status: "warn", detail: "no rebase is in progress", next: "manifest doctor --fix" },
    { name: "dead agents", patch: { agents: { live: 0, dead: ["human-1.json"], unreadable: ["junk.json"] } }, id: "agents", status: "warn", detail: "human-1.json, junk.json", next: "manifest doctor --fix" },
    { name: "rejected and expired", patch: { counts: { pending: 0, claimed: 0, delivered: 0, rejected: 2, expired: 1 } }, id: "events", status: "warn", detail: "2 rejected · 1 expired", next: ".reason.json" },
    { name: "no sidecar", patch: { sidecar: undefined }, id: "sidecar", status: "warn", detail: "not running", next: "manifest sidecar" },
    { name: "no tmux", patch: { tmux: { found: false, version: undefined } }, id: "tmux", status: "warn", detail: "manifest up", next: "Install tmux" },
    { name: "no git", patch: { git: { state: "no-git" } }, id: "git-hooks", status: "warn", detail: "git is not installed", next: "Install git" },
    { name: "rebase hooks missing", patch: { git: hooks(hook("pre-rebase", ["pause"], "missing")) }, id: "git-hooks", status: "warn", detail: "rebases may not pause Spark", next: "manifest hooks install" },
    { name: "checks not installed", patch: { git: hooks(hook("pre-push", ["checks"], "outdated")) }, id: "git-hooks", status: "fail", detail: "checks configured for pre-push do not run", next: "manifest hooks install" },
    { name: "a hook Spark cannot write", patch: { git: hooks({ ...hook("post-merge", ["resume"], "blocked"), problem: "it is a python3 script", next: "add the line yourself" }) }, id: "git-hooks", status: "warn", detail: "post-merge: blocked (it is a python3 script)", next: "post-merge: add the line yourself" },
  ];

  it.each(cases)("$name: $id is $status with a next step", (c) => {
    const got = check({ ...healthy(), ...c.patch }, c.id);
    expect(got.status).toBe(c.status);
    expect([got.detail, ...(got.lines ?? [])].join("\n")).toContain(c.detail);
    expect(got.next).toContain(c.next);
  });

  it("gives every warn and fail a next step", () => {
    for (const c of cases) {
      for (const got of buildChecks({ ...healthy(), ...c.patch }))
        if (got.status !== "ok") expect(got.next, got.id).toBeTruthy();
    }
  });

  it("keeps a pause someone set, and a rebase pause during a rebase, ok", () => {
    const mine = healthy();
    mine.pause = pause("alice", 5 * MIN, false, "deploying");
    expect(check(mine, "pause")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("paused by alice (deploying)"),
    });
    const rebasing = healthy();
    rebasing.pause = pause("git-hook:rebase", MIN, false);
    rebasing.rebaseInProgress = true;
    expect(check(rebasing, "pause").status).toBe("ok");
  });

  it("lists the runs of the last hour with their exit status and logs", () => {
    const facts = healthy();
    facts.runs = recentRuns(
      ".spark/logs",
      [
        { name: "npm-2026-11-21-115000.log", mtimeMs: NOW - 10 * MIN },
        { name: "pre-push-2026-11-21-115500.log", mtimeMs: NOW - 5 * MIN },
        { name: "old-2026-11-21-100000.log", mtimeMs: NOW - 2 * 60 * MIN },
      ],
      [
        {
          id: "evt-1",
          logFile: "/p/.spark/logs/pre-push-2026-11-21-115500.log",
          command: "npm test",
          exitCode: 1,
          signal: null,
        },
      ],
      NOW,
    );
    const c = check(facts, "runs");
    expect(c).toMatchObject({ status: "ok", detail: "2 run(s), 1 failed" });
    expect(c.lines).toEqual([
      "✖ .spark/logs/pre-push-2026-11-21-115500.log · 5m ago · npm test: exit 1 (event evt-1)",
      "✔ .spark/logs/npm-2026-11-21-115000.log · 10m ago · succeeded or still running",
    ]);
  });

  it("says which model the sidecar would use, or why it has none and how to add one", () => {
    expect(check(healthy(), "model").detail).toBe("the sidecar would use anthropic/claude-sonnet-4-5 (Pi's default)");
    const none = check(
      { ...healthy(), model: { state: "none", reason: "Pi has no model it can use", agentDir: "/a" } },
      "model",
    );
    expect(none).toMatchObject({ status: "fail" });
    expect(none.detail).toContain("The sidecar would only watch");
    expect(none.next).toContain("/login");
    expect(none.next).toContain("/a/models.json");
    const unknown = check({ ...healthy(), model: { state: "unknown", wanted: "nope/x", agentDir: "/a" } }, "model");
    expect(unknown).toMatchObject({ status: "fail" });
    expect(unknown.next).toContain("pi --list-models");
    const noSdk = check({ ...healthy(), model: { state: "no-sdk", install: "npm install -D x@1" } }, "model");
    expect(noSdk).toMatchObject({ status: "fail", next: "Run `npm install -D x@1`." });
  });

  it("says how to install Pi where the app is when pi is not found", () => {
    const missing = check({ ...healthy(), pi: { found: false, searched: ["node_modules/.bin", "PATH"] } }, "pi");
    expect(missing).toMatchObject({ status: "fail" });
    expect(missing.detail).toContain("not installed where the app is");
    expect(missing.next).toContain("npm install -D @mariozechner/pi-coding-agent");
  });

  it("compares versions numerically", () => {
    expect(versionAtLeast("20.19.0", "20.19.0")).toBe(true);
    expect(versionAtLeast("v22.1.0", "20.19.0")).toBe(true);
    expect(versionAtLeast("20.9.0", "20.19.0")).toBe(false);
  });
});

describe("manifest doctor (the CLI)", () => {
  beforeAll(requireBuild);
  // The pi a user would run: this repository's, found on PATH, with a private agent dir
  // whose models.json has one model with a key (never called: doctor only asks Pi which).
  const piEnv = (models = true) => {
    const agent = tempProject().root;
    const provider = {
      baseUrl: "http://127.0.0.1:9/v1",
      api: "openai-completions",
      apiKey: "test-key",
      models: [{ id: "mock-model", name: "Mock", input: ["text"], contextWindow: 128000, maxTokens: 4096 }],
    };
    if (models) writeFileSync(join(agent, "models.json"), JSON.stringify({ providers: { mock: provider } }));
    return {
      PATH: `${join(REPO, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}`,
      PI_CODING_AGENT_DIR: agent,
    };
  };

  it("passes an initialised project and lists its runs", async () => {
    const { root } = tempProject({ "package.json": '{ "name": "app" }\n' });
    mkdirSync(join(root, "node_modules"));
    symlinkSync(REPO, join(root, "node_modules/manifest-spark"), "dir");
    expect((await manifest(["spark", "init"], root)).code).toBe(0);
    const failing = await manifest(["run", "--", "node", "-e", "process.exit(4)"], root);
    expect(failing.code).toBe(4);

    const env = piEnv();
    const result = await manifest(["doctor", "--json"], root, env);
    const doc = doctorResultSchema.parse(result.json());
    expect(
      doc.checks.filter((c) => c.status === "fail"),
      result.stdout,
    ).toEqual([]);
    expect(result.code).toBe(0);
    expect(doc.checks.find((c) => c.id === "pi")?.detail).toMatch(/^pi 0\.73\.1 /);
    expect(doc.checks.find((c) => c.id === "model")?.detail).toBe(
      "the sidecar would use mock/mock-model (Pi's default)",
    );
    const runs = doc.checks.find((c) => c.id === "runs");
    expect(runs?.detail).toBe("1 run(s), 1 failed");
    expect(runs?.lines?.[0]).toMatch(
      /^✖ \.spark\/logs\/node-.*\.log · \d+s ago · .*node.*: exit 4 \(event .*process-error/,
    );

    const readable = await manifest(["doctor"], root, env);
    expect(readable.stdout).toMatch(/✔ Node\s+Node \d+/);
    expect(readable.stdout).toMatch(/No problems/);
  });

  it("fails without a model, saying the sidecar would only watch and how to add one; names an unknown sidecar.model", async () => {
    const { root } = tempProject({ "package.json": '{ "name": "app" }\n' });
    const none = await manifest(["doctor", "--json"], root, piEnv(false));
    expect(none.code).toBe(1);
    const model = doctorResultSchema.parse(none.json()).checks.find((c) => c.id === "model");
    expect(model).toMatchObject({ status: "fail" });
    expect(model?.detail).toContain("no usable model");
    expect(model?.next).toContain("/login");

    mkdirSync(join(root, "config"));
    writeFileSync(join(root, "config", "spark.ts"), 'export default { sidecar: { model: "nope/nothing" } };\n');
    const unknown = await manifest(["doctor", "--json"], root, piEnv());
    const named = doctorResultSchema.parse(unknown.json()).checks.find((c) => c.id === "model");
    expect(named).toMatchObject({ status: "fail" });
    expect(named?.detail).toContain('"nope/nothing" is not a model Pi knows');
  });

  it("names the bad config field, a stale pause and a dead agent; --fix removes the agent file", async () => {
    const { root, paths } = tempProject({
      "config/spark.ts": 'export default { pause: { staleThresholdMinutes: "soon" } };\n',
    });
    mkdirSync(paths.agents, { recursive: true, mode: 0o700 });
    chmodSync(paths.spark, 0o755);
    const old = new Date(Date.now() - 2 * 60 * MIN).toISOString();
    writeFileSync(paths.pause, JSON.stringify({ by: "alice", since: old, reason: "lunch" }), { mode: 0o600 });
    const dead = join(paths.agents, "human-1-dead.json");
    writeFileSync(
      dead,
      JSON.stringify({
        id: "human-1-dead",
        role: "human",
        pid: 1,
        host: hostname(),
        status: "idle",
        startedAt: old,
        lastActivity: old,
        heartbeatAt: old,
        cwd: root,
      }),
    );

    const env = piEnv();
    const result = await manifest(["doctor", "--json"], root, env);
    expect(result.code).toBe(1);
    const doc = doctorResultSchema.parse(result.json());
    const byId = (id: string) => doc.checks.find((c) => c.id === id);
    expect(byId("config")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("`pause.staleThresholdMinutes`"),
      next: expect.stringContaining("Fix `pause.staleThresholdMinutes` in config/spark.ts"),
    });
    expect(byId("pause")).toMatchObject({ status: "warn", detail: expect.stringContaining("stale") });
    expect(byId("agents")).toMatchObject({ status: "warn", detail: expect.stringContaining("human-1-dead.json") });
    expect(byId("bus")).toMatchObject({ status: "fail", detail: expect.stringContaining(".spark (0755)") });

    const fixed = doctorResultSchema.parse((await manifest(["doctor", "--fix", "--json"], root, env)).json());
    expect(fixed.fixed).toContain("removed dead presence file agents/human-1-dead.json");
    expect(existsSync(dead)).toBe(false);
    expect(fixed.checks.find((c) => c.id === "agents")?.status).toBe("ok");
    expect(fixed.fixed).toContainEqual(expect.stringContaining("repaired .spark/"));
    expect(statSync(paths.spark).mode & 0o777).toBe(0o700);
    expect(fixed.checks.find((c) => c.id === "bus")?.status).toBe("ok");
    // --fix never lifts a person's pause.
    expect(existsSync(paths.pause)).toBe(true);

    const readable = await manifest(["doctor"], root, env);
    expect(readable.stdout).toMatch(/✖ Config\s+`pause\.staleThresholdMinutes` is invalid/);
    expect(readable.stdout).toContain("→ Fix `pause.staleThresholdMinutes` in config/spark.ts");
  });
});
