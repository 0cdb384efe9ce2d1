import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { listApprovals } from "../bus/approvals.js";
import { emitEvent } from "../bus/emit.js";
import { startMockModel } from "./fakes/mock-openai.js";
import { startDashboardTmux } from "./helpers/dashboard-tmux.js";
import { piAgentDir } from "./helpers/pi-cli.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";
import { hasTmux } from "./helpers/tmux.js";

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CONFIG =
  'export default { environment: "production", environments: { production: { tools: "approve", behavior: "fix" } }, debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n';

describe.skipIf(!hasTmux())('the dashboard under tools: "approve"', () => {
  it("shows the waiting bash call with the event behind it; y runs it, n refuses the next one", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": CONFIG });
    const first = join(root, "first.txt");
    const second = join(root, "second.txt");
    const model = await startMockModel([
      { tool: "bash", args: { command: `echo ok > ${first}` } },
      { tool: "bash", args: { command: `echo no > ${second}` } },
      { text: "One change made, one refused." },
    ]);
    cleanups.push(() => model.close());
    const tmux = startDashboardTmux(root, piAgentDir(root, model), ["--model", "mock/mock-model"], {
      width: 140,
      height: 30,
    });
    cleanups.push(() => tmux.stop());
    await tmux.waitForScreen(/Agents +1 live/, undefined, 45_000);

    emitEvent(
      paths,
      { type: "server-error", feature: "checkout", route: "POST /pay", status: 500, error: new Error("card declined") },
      { environment: "production", host: "test", pid: process.pid, redactKeys: [] },
    );
    const waiting = await tmux.waitForScreen(/ASK {2}bash echo ok/, undefined, 30_000);
    expect(waiting).toMatch(/after server-error checkout POST \/pay 500/);
    expect(waiting).toMatch(/y approve {2}n deny/);
    expect(existsSync(first)).toBe(false);

    tmux.keys(tmux.session, "y");
    await waitFor(() => existsSync(first), "the approved call to run", 20_000);
    await tmux.waitForScreen(/ASK {2}bash echo no/, undefined, 20_000);
    tmux.keys(tmux.session, "n");
    await tmux.waitForScreen(/One change made, one refused\./, undefined, 20_000);
    expect(existsSync(second)).toBe(false);
    expect(tmux.screen()).not.toContain(" ASK ");
    const states = listApprovals(paths).map((v) => [v.request.summary, v.state, v.answer?.by]);
    expect(states).toEqual([
      [`echo ok > ${first}`, "approved", expect.any(String)],
      [`echo no > ${second}`, "denied", expect.any(String)],
    ]);
  });
});
