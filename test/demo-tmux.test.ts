import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI, manifest } from "./helpers/cli.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";
import { hasTmux, startTmux, type Tmux } from "./helpers/tmux.js";

beforeAll(requireBuild);

let tmux: Tmux | undefined;
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe.runIf(hasTmux())("manifest demo in tmux", () => {
  it("opens the layout, sends the failing request, and the replayed fix makes it pass", {
    timeout: 180_000,
  }, async () => {
    const { root } = tempProject();
    const agent = join(root, "pi-agent");
    mkdirSync(agent);
    tmux = startTmux([process.execPath, CLI, "demo", "--replay"], {
      cwd: root,
      width: 120,
      height: 40,
      env: { TMPDIR: root, PI_CODING_AGENT_DIR: agent, PI_OFFLINE: "1" },
    });
    const outer = await tmux.waitForScreen(/the failing request has been sent/, tmux.session, 60_000);
    const dir = /copied to (\S+)/.exec(outer)?.[1] as string;
    const url = /POST (http:\/\/127\.0\.0\.1:\d+)\/users/.exec(outer)?.[1] as string;
    expect(dir).toContain(root);

    // No client is attached in a test, so the demo cannot switch to its session: it says how.
    expect(outer).toMatch(/Open it: tmux switch-client -t spark-demo-/);
    const session = /switch-client -t (\S+)/.exec(outer)?.[1] as string;
    const panes = tmux.tmux("list-panes", "-t", session, "-F", "#{pane_id}").trim().split("\n");
    expect(panes).toHaveLength(3);
    // The dashboard shows the replayed fix, labelled as such; the app answers 200 again. The
    // panes are narrow until someone attaches: read their text with the wrapping undone.
    const text = (p: string) => (tmux?.screen(p) ?? "").replace(/\s*\n\s*/g, " ");
    await waitFor(() => panes.some((p) => /replayed from a script/.test(text(p))), "the replayed fix", 60_000);
    const ok = await waitFor(
      async () => {
        const r = await fetch(`${url}/users`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"name":"Ada"}',
        }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      "the fixed app",
      60_000,
    );
    expect(ok.status).toBe(200);

    const down = await manifest(["down", "--json"], dir, { SPARK_TMUX_SOCKET: tmux.socket });
    expect(down.code).toBe(0);
    expect(tmux.tmux("list-sessions", "-F", "#{session_name}")).not.toContain(session);
  });
});
