import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ArgsDef } from "citty";
import { beforeAll, describe, expect, it } from "vitest";
import { scanFlags } from "../cli/_flags.js";
import { errorSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const ARGS: ArgsDef = {
  every: { type: "string" },
  "dry-run": { type: "boolean" },
  entry: { type: "boolean", default: true },
  yes: { type: "boolean", alias: "y" },
  lines: { type: "string", alias: "n" },
  command: { type: "positional" },
};

describe("scanFlags", () => {
  it("knows each form citty accepts and flags the rest", () => {
    const ok = ["--every", "5m", "--dry-run", "--dryRun", "--no-entry", "-y", "-n", "3", "-n5", "--lines=2", "--help"];
    expect(scanFlags(ok, ARGS, false).unknown).toEqual([]);
    expect(scanFlags(["--evry", "5m", "-x", "--no-every", "-yz"], ARGS, false).unknown).toEqual([
      "--evry",
      "-x",
      "--no-every",
      "-yz",
    ]);
  });

  it("takes the word after a value option as its value, even when it looks like a flag", () => {
    expect(scanFlags(["--every", "--weird", "x"], ARGS, false).unknown).toEqual([]);
  });

  it("stops at --, and for a passthrough command at the program's name (after an option's value)", () => {
    expect(scanFlags(["--", "--anything"], ARGS, false)).toEqual({ unknown: [], ownLength: 0 });
    expect(scanFlags(["--every", "5m", "grep", "--evry"], ARGS, true)).toEqual({ unknown: [], ownLength: 2 });
    expect(scanFlags(["-5", "x"], ARGS, false).unknown).toEqual([]);
  });
});

describe("a misspelt option is a usage error (exit 2) with the nearest one", () => {
  it("up --detatch starts nothing", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const socket = `spark-flags-${randomBytes(4).toString("hex")}`;
    const up = await manifest(["up", "--detatch"], root, { SPARK_TMUX_SOCKET: socket, TMUX: "" });
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('Unknown option "--detatch" for `manifest up`. Did you mean `--detach`?');
    expect(up.stderr).toContain("manifest up --help");
    // No tmux server was started on that socket, and nothing was written.
    expect(() => execFileSync("tmux", ["-L", socket, "list-sessions"], { stdio: "pipe" })).toThrow();
    expect(existsSync(join(root, ".spark"))).toBe(false);
  });

  it("spark status --jsn, and with --json the error is a JSON document", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const typo = await manifest(["spark", "status", "--jsn"], root);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toContain("Did you mean `--json`?");
    const json = await manifest(["spark", "status", "--json", "--verbose"], root);
    expect(json.code).toBe(2);
    expect(errorSchema.parse(json.json()).error).toMatchObject({ code: "E_USAGE" });
  });

  it("names the option, not its value, when a group's option is misspelt", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const events = await manifest(["spark", "events", "--stat", "rejected"], root);
    expect(events.code).toBe(2);
    expect(events.stderr).toContain('Unknown option "--stat" for `manifest spark events`. Did you mean `--state`?');
  });

  it("manifest run: its own options are checked, the program's are passed on", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const typo = await manifest(["run", "--evry", "5m", "echo", "hi"], root);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean `--every`?");
    const passed = await manifest(["run", "--name", "greet", "echo", "--evry", "-h"], root);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain("--evry -h");
  });
});
