import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
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
