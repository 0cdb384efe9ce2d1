import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { piPackageOf, readPiTrust, trustAdvice } from "../cli/_pi-trust.js";
import { buildChecks, type DoctorFacts } from "../cli/doctor/checks.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/** A Pi agent folder with the given trust.json and settings.json contents. */
function agentDir(trust?: unknown, settings?: unknown): string {
  const { root } = tempProject();
  if (trust !== undefined) writeFileSync(join(root, "trust.json"), JSON.stringify(trust));
  if (settings !== undefined) writeFileSync(join(root, "settings.json"), JSON.stringify(settings));
  return root;
}

/** Installs a stand-in Pi package (its package.json and a `pi` in node_modules/.bin) in `root`. */
function installPi(root: string, name: string, version: string): void {
  const pkg = join(root, "node_modules", name);
  mkdirSync(join(pkg, "dist"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, version }));
  writeFileSync(join(pkg, "dist", "cli.js"), "#!/bin/sh\n");
  chmodSync(join(pkg, "dist", "cli.js"), 0o755);
  mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
  symlinkSync(join(pkg, "dist", "cli.js"), join(root, "node_modules", ".bin", "pi"));
}

describe("readPiTrust (Pi 1.x's trust store, as a run without a prompt reads it)", () => {
  it("takes the nearest saved decision: the project, else a parent folder", () => {
    const { root } = tempProject();
    const project = realpathSync(root);
    expect(readPiTrust(project, agentDir({ [project]: true })).state).toBe("trusted");
    expect(readPiTrust(project, agentDir({ [join(project, "..")]: true })).state).toBe("trusted");
    expect(readPiTrust(project, agentDir({ [join(project, "..")]: true, [project]: false })).state).toBe("declined");
    expect(readPiTrust(project, agentDir({ [project]: null })).state).toBe("undecided");
  });

  it('trusts by default only with defaultProjectTrust "always"; a missing or broken store is undecided', () => {
    const { root } = tempProject();
    expect(readPiTrust(root, agentDir(undefined, { defaultProjectTrust: "always" })).state).toBe("trusted");
    expect(readPiTrust(root, agentDir(undefined, { defaultProjectTrust: "ask" })).state).toBe("undecided");
    expect(readPiTrust(root, agentDir()).state).toBe("undecided");
    const broken = agentDir();
    writeFileSync(join(broken, "trust.json"), "{not json");
    expect(readPiTrust(root, broken).state).toBe("undecided");
  });
});

describe("piPackageOf (which Pi a pi command is)", () => {
  it("reads the package a node_modules/.bin/pi link leads to, and nothing for a stray file", () => {
    const { root } = tempProject();
    installPi(root, "@earendil-works/pi-coding-agent", "1.6.0");
    expect(piPackageOf(join(root, "node_modules", ".bin", "pi"))).toEqual({
      name: "@earendil-works/pi-coding-agent",
      version: "1.6.0",
    });
    writeFileSync(join(root, "pi"), "");
    expect(piPackageOf(join(root, "pi"))).toBeUndefined();
  });
});

describe("doctor's Pi project trust check", () => {
  const facts = (version: string, piTrust: DoctorFacts["piTrust"]) =>
    ({ pi: { found: true, path: "/p/pi", version, problem: undefined }, piTrust }) as Partial<DoctorFacts>;
  const trustCheck = (f: Partial<DoctorFacts>) =>
    buildChecks({ ...baseFacts(), ...f }).filter((c) => c.id === "pi-trust");

  it("is absent for Pi 0.73, which has no project trust", () => {
    expect(trustCheck(facts("0.73.1", { state: "undecided", store: "/s" }))).toEqual([]);
  });

  it("warns for an undecided project, fails for a declined one, each saying how to trust it", () => {
    const [undecided] = trustCheck(facts("1.6.0", { state: "undecided", store: "/s" }));
    expect(undecided).toMatchObject({ status: "warn", next: expect.stringContaining("/trust") });
    expect(undecided?.detail).toContain("not trusted yet");
    const [declined] = trustCheck(facts("1.6.0", { state: "declined", store: "/a/trust.json" }));
    expect(declined).toMatchObject({ status: "fail", next: expect.stringContaining("--approve") });
    expect(declined?.detail).toContain("/a/trust.json");
    const [trusted] = trustCheck(facts("1.6.0", { state: "trusted", why: "trusted in /a/trust.json" }));
    expect(trusted).toMatchObject({ status: "ok" });
  });

  it("has no advice for a trusted project", () => {
    expect(trustAdvice({ state: "trusted", why: "x" }, "1.6.0")).toBeUndefined();
  });
});

describe("manifest spark init with Pi 1.x installed", () => {
  it("says the project needs trusting once, and how, until Pi's trust store trusts it", async () => {
    const { root } = tempProject({ "package.json": '{"name":"app"}' });
    installPi(root, "@earendil-works/pi-coding-agent", "1.6.0");
    const agent = agentDir();
    const notes = async () =>
      (await manifest(["spark", "init", "--json", "--no-entry"], root, { PI_CODING_AGENT_DIR: agent }))
        .json<{ notes: Array<{ message: string; next?: string }> }>()
        .notes.filter((n) => n.message.includes("trusted"));
    const [note] = await notes();
    expect(note?.message).toContain("Pi 1.6.0 loads .pi/settings.json, and with it Spark, only in a trusted project");
    expect(note?.next).toContain("/trust");
    writeFileSync(join(agent, "trust.json"), JSON.stringify({ [realpathSync(root)]: true }));
    expect(await notes()).toEqual([]);
  });
});

function baseFacts(): DoctorFacts {
  return {
    now: 0,
    nodeVersion: "22.0.0",
    pi: { found: true, path: "/p/pi", version: "0.73.1", problem: undefined },
    piTrust: { state: "undecided", store: "/s" },
    model: { state: "ok", model: "mock/mock-model", source: "pi-default", agentDir: "/a" },
    piSettings: { state: "missing" },
    config: { state: "ok", file: undefined },
    toolLevels: { development: "full", production: "approve" },
    bus: { exists: true, gitignore: true, missing: [], loose: [] },
    pause: { kind: "none" },
    staleMinutes: 30,
    rebaseInProgress: false,
    agents: { live: 0, dead: [], unreadable: [] },
    counts: { pending: 0, claimed: 0, delivered: 0, rejected: 0, expired: 0 },
    sidecar: undefined,
    runs: [],
    tmux: { found: true, version: "tmux 3.3a" },
    tools: { sidecar: undefined, found: [] },
    git: { state: "no-repo" },
    frameworks: [],
  };
}
