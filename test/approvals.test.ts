import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApprovalRequest,
  approvalState,
  describeApproval,
  pickApproval,
  summarizeToolCall,
  TIMEOUT_BY,
} from "../bus/approval-rules.js";
import {
  answerApproval,
  decideApproval,
  listApprovals,
  requestApproval,
  thisAgent,
  waitForDecision,
} from "../bus/approvals.js";
import { newAgentId, newPresence, writePresence } from "../bus/presence.js";
import { errorSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

const T0 = Date.parse("2026-11-21T12:00:00.000Z");
const MIN = 60_000;

function request(patch: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    v: 1,
    id: "3f9a0c1b",
    tool: "bash",
    summary: "npm test",
    args: { command: "npm test" },
    requestedAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 10 * MIN).toISOString(),
    agent: { id: "sidecar-1", role: "sidecar", pid: 1, host: "h" },
    cause: {
      kind: "events",
      events: [{ id: "e1", type: "server-error", line: "12:00:00 server-error create-user POST /users 500 boom" }],
      more: 2,
    },
    ...patch,
  };
}
const answer = (by: string, a: "approve" | "deny" = "deny") => ({
  id: "3f9a0c1b",
  answer: a,
  by,
  at: new Date(T0).toISOString(),
  reason: "",
});

describe("approval rules (pure)", () => {
  it("says where a request stands", () => {
    const r = request();
    expect(approvalState(r, undefined, T0 + MIN, true)).toMatchObject({ state: "pending", remainingMs: 9 * MIN });
    expect(approvalState(r, answer("alice", "approve"), T0, true).state).toBe("approved");
    expect(approvalState(r, answer("alice"), T0, true).state).toBe("denied");
    expect(approvalState(r, answer(TIMEOUT_BY), T0, true).state).toBe("timed-out");
    // Nothing waits on it any more: its agent is gone, or its time is long past.
    expect(approvalState(r, undefined, T0 + MIN, false).state).toBe("abandoned");
    expect(approvalState(r, undefined, T0 + 11 * MIN, true).state).toBe("abandoned");
  });

  it("picks the request a person means, or says why it cannot", () => {
    const pending = approvalState(request(), undefined, T0, true);
    const other = approvalState(request({ id: "3f00aaaa" }), answer("bob"), T0, true);
    expect(pickApproval([pending], undefined)).toMatchObject({ ok: true, view: pending });
    expect(pickApproval([other], undefined)).toMatchObject({ ok: false, problem: "none-pending" });
    const second = approvalState(request({ id: "77777777" }), undefined, T0, true);
    expect(pickApproval([pending, second], undefined)).toMatchObject({
      ok: false,
      problem: "several-pending",
      message: expect.stringContaining("3f9a0c1b, 77777777"),
    });
    // A prefix: the pending one wins over an answered one with the same start.
    expect(pickApproval([other, pending], "3f")).toMatchObject({ ok: false, problem: "bad-id" });
    expect(pickApproval([other, pending], "3f9")).toMatchObject({ ok: true, view: pending });
    expect(pickApproval([other, pending], "3f0")).toMatchObject({ ok: true, view: other });
    expect(pickApproval([pending], "../../etc")).toMatchObject({ ok: false, problem: "bad-id" });
    expect(pickApproval([pending], "abcdef12")).toMatchObject({ ok: false, problem: "unknown" });
  });

  it("summarises a call in one line", () => {
    expect(summarizeToolCall("bash", { command: "npm test\n  && echo ok" })).toBe("npm test && echo ok");
    expect(summarizeToolCall("write", { path: "a.ts", content: "x\ny\n" })).toBe("a.ts (3 lines)");
    expect(summarizeToolCall("edit", { path: "a.ts", edits: [{}, {}] })).toBe("a.ts (2 edits)");
    expect(describeApproval(approvalState(request(), undefined, T0 + MIN, true))).toBe(
      "3f9a0c1b bash npm test · after server-error create-user POST /users 500 boom (+2 more) · 9m left",
    );
  });
});

describe("approvals on disk", () => {
  const agent = thisAgent("sidecar-test", "sidecar");
  const cause = { kind: "prompt" } as const;

  it("writes a redacted request in a private folder; the first answer wins and is never overwritten", () => {
    const { paths } = tempProject();
    const r = requestApproval(paths, {
      tool: "bash",
      args: { command: 'curl -H "Authorization: Bearer abcdef0123456789" https://api', token: "t0psecret" },
      agent,
      cause,
      timeoutMs: 10 * MIN,
    });
    const onDisk = readFileSync(join(paths.approvals, `${r.id}.json`), "utf8");
    expect(onDisk).not.toContain("abcdef0123456789");
    expect(onDisk).not.toContain("t0psecret");
    expect(r.summary).toBe('curl -H "Authorization: [REDACTED]');
    expect(statSync(paths.approvals).mode & 0o777).toBe(0o700);

    expect(decideApproval(paths, r.id, "approve", "alice")).toMatchObject({ ok: true });
    expect(decideApproval(paths, r.id, "deny", "bob")).toMatchObject({
      ok: false,
      problem: "answered",
      answer: { answer: "approve", by: "alice" },
    });
    expect(decideApproval(paths, "00000000", "deny", "bob")).toEqual({ ok: false, problem: "unknown" });
    for (const name of readdirSync(paths.approvals))
      expect(statSync(join(paths.approvals, name)).mode & 0o777, name).toBe(0o600);
    // No temp file is left behind.
    expect(readdirSync(paths.approvals).sort()).toEqual([`${r.id}.answer.json`, `${r.id}.json`]);
  });

  it("waits for an answer written by someone else, writes the denial itself on timeout or abort", async () => {
    const { paths } = tempProject();
    const ask = () => requestApproval(paths, { tool: "bash", args: { command: "ls" }, agent, cause, timeoutMs: MIN });

    const a = ask();
    setTimeout(() => answerApproval(paths, { query: a.id, answer: "approve", by: "carol" }), 50);
    expect(await waitForDecision(paths, a.id, { timeoutMs: 5000, pollMs: 10 })).toMatchObject({
      answer: "approve",
      by: "carol",
    });

    const b = ask();
    expect(await waitForDecision(paths, b.id, { timeoutMs: 30, pollMs: 10 })).toMatchObject({
      answer: "deny",
      by: TIMEOUT_BY,
    });

    const c = ask();
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error("the run was aborted")), 30);
    expect(await waitForDecision(paths, c.id, { timeoutMs: 5000, signal: stop.signal })).toMatchObject({
      answer: "deny",
      reason: "the run was aborted",
    });
    const states = Object.fromEntries(listApprovals(paths).map((v) => [v.request.id, v.state]));
    expect(states).toEqual({ [a.id]: "approved", [b.id]: "timed-out", [c.id]: "denied" });
  });

  it("keeps the newest 50 settled requests and every pending one", () => {
    const { paths } = tempProject();
    const first = requestApproval(paths, { tool: "bash", args: {}, agent, cause, timeoutMs: MIN, now: T0 });
    for (let i = 1; i <= 55; i++) {
      const r = requestApproval(paths, { tool: "bash", args: {}, agent, cause, timeoutMs: MIN, now: T0 + i });
      decideApproval(paths, r.id, "deny", "x");
    }
    const views = listApprovals(paths, { now: T0 });
    expect(views.filter((v) => v.state === "pending").map((v) => v.request.id)).toEqual([first.id]);
    // The 55th request pruned before its own answer: 50 kept at that moment, plus its answer.
    expect(views.filter((v) => v.state === "denied").length).toBeLessThanOrEqual(51);
  });
});

describe("manifest spark approve / deny", () => {
  beforeAll(requireBuild);

  it("lets exactly one of many answers at once win", async () => {
    const { root, paths } = tempProject();
    // The requester is alive (this process, with a fresh presence file): the request is pending.
    const id = newAgentId("sidecar");
    writePresence(paths, newPresence({ id, role: "sidecar", cwd: root }));
    const r = requestApproval(paths, {
      tool: "bash",
      args: { command: "make deploy" },
      agent: thisAgent(id, "sidecar"),
      cause: { kind: "prompt" },
      timeoutMs: 10 * MIN,
    });
    const runs = await Promise.all(
      ["approve", "deny", "approve", "deny", "approve", "deny"].map((verb, i) =>
        manifest(["spark", verb, r.id, "--by", `p${i}`, "--json"], root),
      ),
    );
    expect(runs.filter((x) => x.code === 0)).toHaveLength(1);
    for (const loser of runs.filter((x) => x.code !== 0)) {
      expect(loser.code).toBe(1);
      expect(errorSchema.parse(loser.json()).error.code).toBe("E_ANSWERED");
    }
  });

  it("explains what to do without an id, with a wrong one, and with nothing waiting", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const none = await manifest(["spark", "approve"], root);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("No tool call is waiting for an answer.");
    expect(none.stderr).toContain("manifest spark status");
    const bad = await manifest(["spark", "deny", "../x"], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not an approval id");
  });
});
