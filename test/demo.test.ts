import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_STEPS, demoRecordSchema } from "../cli/schemas-demo.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/** The demo in its own temp folder (TMPDIR), with an empty Pi agent folder: no model. */
function sandbox() {
  const { root } = tempProject();
  const agent = join(root, "pi-agent");
  mkdirSync(agent);
  return { root, env: { TMPDIR: root, PI_CODING_AGENT_DIR: agent, PI_OFFLINE: "1" } };
}

describe("manifest demo --headless", () => {
  it("runs the story to the end without a model, saying plainly that the sidecar only watches", async () => {
    const { root, env } = sandbox();
    const result = await manifest(["demo", "--headless"], root, env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1. The example app, copied to");
    expect(result.stdout).toMatch(/5\. POST \/users .* → 500/);
    expect(result.stdout).toMatch(
      /6\. The app wrote a server-error event, its password redacted: \.spark\/events\/\S+-server-error-/,
    );
    expect(result.stdout).toContain("Pi has no model configured: it will only watch");
    expect(result.stdout).toContain("The sidecar holds the event: no model");
    expect(result.stdout).toContain("manifest demo --replay");
    expect(result.stdout).not.toContain("REPLAY");
    // The demo is over: its folder is gone.
    expect(result.stdout).toContain("Done. The demo folder was removed");
    expect(readdirSync(root).filter((n) => n.startsWith("spark-demo-"))).toEqual([]);
  });

  it("--json: one record per step, with its status, the event id and timings; --keep keeps the folder", async () => {
    const { root, env } = sandbox();
    const result = await manifest(["demo", "--json", "--keep"], root, env);
    expect(result.code, result.stderr).toBe(0);
    const records = result.stdout
      .trim()
      .split("\n")
      .map((line) => demoRecordSchema.parse(JSON.parse(line)));
    const steps = records.map((r) => r.step);
    expect(steps).toEqual([
      "start",
      "copied",
      "initialised",
      "app-up",
      "sidecar-up",
      "request",
      "captured",
      "held",
      "done",
    ]);
    expect(steps.every((s) => DEMO_STEPS.includes(s))).toBe(true);
    const by = Object.fromEntries(records.map((r) => [r.step, r]));
    expect(by["sidecar-up"]).toMatchObject({ status: "held", model: null, replay: false });
    expect(by.request).toMatchObject({ status: "ok", httpStatus: 500 });
    const eventId = by.captured?.eventId ?? "";
    expect(eventId).toMatch(/^\d{13}-\d{6}-server-error-/);
    expect(by.captured?.file).toContain(eventId);
    expect(by.held).toMatchObject({ status: "held", eventId });
    // Timings: the time since the start only grows, and each step's own time adds up to it.
    const elapsed = records.map((r) => r.elapsedMs);
    expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
    expect(records.reduce((sum, r) => sum + r.stepMs, 0)).toBe(elapsed.at(-1));
    const dir = by.copied?.dir ?? "";
    expect(by.done).toMatchObject({ dir, removed: false });
    expect(existsSync(join(dir, ".spark", "events"))).toBe(true);
  });

  it("declares --json and --keep in --help", async () => {
    const { root, env } = sandbox();
    const help = await manifest(["demo", "--help"], root, env);
    expect(help.stdout).toMatch(/--json\s+One JSON record per step/);
    expect(help.stdout).toContain("--keep");
  });

  it("with --replay shows the whole story, the fix labelled as a replay, and the request fixed", async () => {
    const { root, env } = sandbox();
    const result = await manifest(["demo", "--headless", "--replay"], root, env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("REPLAY model: the fix you will see is scripted, not a live model");
    expect(result.stdout).toContain("Pi │ [REPLAY]");
    expect(result.stdout).toContain("→ edit features/create-user.js");
    expect(result.stdout).toContain("8. The same request again → 200   ✔ fixed");
  });
});
