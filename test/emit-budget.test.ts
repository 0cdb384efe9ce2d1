import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { EventInput } from "../bus/build-event.js";
import { formatBatchPrompt } from "../bus/format/prompt.js";
import { groupEvents } from "../bus/group.js";
import { readEventFile } from "../bus/read-event.js";
import { statusSchema } from "../cli/schemas.js";
import { type BudgetLimits, EmitBudget, type PendingView, type Repeats } from "../emitter/budget.js";
import { manifest } from "./helpers/cli.js";
import { runNode } from "./helpers/processes.js";
import { REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const LIMITS: BudgetLimits = { perProblem: 3, windowMs: 60_000, maxPendingFiles: 0, maxPendingBytes: 0 };

/** A budget on a fake clock, with a fake events/ folder; it records what it would write. */
function harness(limits: Partial<BudgetLimits> = {}, pendingOver = false) {
  let now = 1_000_000;
  const pending = new Set<string>();
  const view: PendingView = {
    over: () => pendingOver,
    stillPending: (name) => pending.has(name),
    wrote: (name) => pending.add(name),
  };
  const summaries: Array<{ example: EventInput; repeats: Repeats }> = [];
  const budget = new EmitBudget({ ...LIMITS, ...limits }, view, (example, repeats) =>
    summaries.push({ example, repeats }),
  );
  // The budget reads the clock through Date.now by default: give it ours.
  (budget as unknown as { clock: () => number }).clock = () => now;
  let n = 0;
  const occur = (fingerprint = "fp-a"): boolean => {
    const input = { type: "server-error", n: ++n };
    const written = budget.admit(fingerprint, input);
    if (written) budget.wrote(fingerprint, `${n}.json`, 1000);
    return written;
  };
  return {
    budget,
    summaries,
    pending,
    occur,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("the emitter's budget", () => {
  it("writes the first events of a problem in a window, counts the rest, and sums them up in one summary", () => {
    const h = harness();
    const written = Array.from({ length: 10 }, () => h.occur()).filter(Boolean).length;
    expect(written).toBe(3);
    expect(h.summaries).toEqual([]);
    h.advance(60_000);
    h.budget.flush();
    expect(h.summaries).toHaveLength(1);
    // The summary is the newest counted occurrence, standing for the 6 others as well.
    expect(h.summaries[0]?.repeats).toMatchObject({ count: 6 });
    expect(h.summaries[0]?.example).toMatchObject({ n: 10 });
  });

  it("budgets each problem on its own", () => {
    const h = harness();
    for (let i = 0; i < 5; i++) h.occur("fp-a");
    expect(h.occur("fp-b")).toBe(true);
  });

  it("writes what is still counted when the process exits: nothing is silent", () => {
    const h = harness();
    for (let i = 0; i < 5; i++) h.occur();
    h.budget.flush(true);
    expect(h.summaries.map((s) => s.repeats.count)).toEqual([1]);
    expect(h.budget.countedNow()).toBe(0);
  });

  it("past the caps on events/, counts a problem whose file still waits, and always writes a new problem", () => {
    const h = harness({ perProblem: 100, maxPendingFiles: 10 }, true);
    expect(h.occur("fp-a")).toBe(true);
    expect(h.occur("fp-a")).toBe(false);
    expect(h.occur("fp-new")).toBe(true);
    // Its file was taken by a consumer: the problem is written again.
    h.pending.clear();
    expect(h.occur("fp-a")).toBe(true);
    // Over the caps a summary waits for room (its count grows), unless the process is exiting.
    expect(h.occur("fp-a")).toBe(false);
    h.advance(60_000);
    h.budget.flush();
    expect(h.summaries).toEqual([]);
    h.budget.flush(true);
    expect(h.summaries.map((s) => s.repeats.count)).toEqual([1]);
  });

  it("is off when every limit is 0", () => {
    const h = harness({ perProblem: 0 });
    expect(Array.from({ length: 50 }, () => h.occur()).every(Boolean)).toBe(true);
  });
});

describe("a real app under a storm of failing requests to one endpoint", () => {
  it("writes a handful of files, and the count of the rest reaches the agent's message and spark status", async () => {
    const { root, paths } = tempProject({ "package.json": '{ "name": "storm-app" }\n' });
    const requests = 3000;
    const run = await runNode([join(REPO, "bench/_request-storm.mjs"), root, String(requests), "16"], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ requests, failed: requests });
    // Told once, on the app's stderr, that counting began.
    expect(run.stderr.match(/further ones are counted/g)).toHaveLength(1);

    const files = readdirSync(paths.events).filter((n) => n.endsWith(".json"));
    expect(files.length).toBeLessThanOrEqual(10 + 2);
    const bytes = files.reduce((sum, n) => sum + statSync(join(paths.events, n)).size, 0);
    expect(bytes).toBeLessThan(64 * 1024);
    const events = files.flatMap((n) => {
      const read = readEventFile(join(paths.events, n), n);
      return read.ok ? [read.event] : [];
    });
    // /users/2 … /users/3001: one problem, every request accounted for.
    const groups = groupEvents(events);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.count).toBe(requests);
    expect(groups[0]?.example.route).toMatch(/^GET \/users\/\d+$/);
    expect(formatBatchPrompt(groups)).toContain(`(×${requests})`);

    const status = statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json());
    expect(status.events).toMatchObject({ pending: files.length, repeats: requests - files.length });
    const text = (await manifest(["spark", "status"], root)).stdout;
    expect(text).toContain(`+${(requests - files.length).toLocaleString("en-US")} more occurrences`);
  });
});
