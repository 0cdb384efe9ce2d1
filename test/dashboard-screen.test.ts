import { describe, expect, it } from "vitest";
import { approvalState } from "../bus/approval-rules.js";
import type { RunFact } from "../bus/runs.js";
import type { AgentView } from "../bus/snapshot.js";
import { statusLine } from "../sidecar/dashboard/chrome-view.js";
import { createConversationLog } from "../sidecar/dashboard/conversation-log.js";
import { createEventBoard } from "../sidecar/dashboard/events-board.js";
import { computeLayout, firstVisible } from "../sidecar/dashboard/layout.js";
import { agentPopup, eventPopup, helpPopup, logPopup, popupFrame } from "../sidecar/dashboard/popup-view.js";
import { renderScreen } from "../sidecar/dashboard/screen-view.js";
import { agentRow, runName, runRow } from "../sidecar/dashboard/side-view.js";
import { type DashboardState, initialUi } from "../sidecar/dashboard/state.js";
import { plain, width } from "../sidecar/dashboard/text.js";
import { watchOnlyInfo } from "../sidecar/watch-only.js";

const NOW = Date.parse("2026-11-21T12:00:00.000Z");
const agent = (over: Partial<AgentView>): AgentView => ({
  id: "sidecar-1",
  role: "sidecar",
  pid: 100,
  host: "h",
  status: "idle",
  startedAt: new Date(NOW - 180_000).toISOString(),
  lastActivity: new Date(NOW - 5_000).toISOString(),
  heartbeatAt: new Date(NOW - 1_000).toISOString(),
  cwd: "/p",
  alive: true,
  ...over,
});
const run = (over: Partial<RunFact>): RunFact => ({
  log: ".spark/logs/dev-2026-11-21-115800.log",
  at: new Date(NOW - 60_000).toISOString(),
  status: "ok-or-running",
  command: null,
  exitCode: null,
  signal: null,
  eventId: null,
  ...over,
});

function scene(over: Partial<DashboardState> = {}): DashboardState {
  const board = createEventBoard();
  const name = `${NOW - 3000}-000001-server-error-42-0000abcd.json`;
  board.apply([{ kind: "appeared", entry: { name, id: name.slice(0, -5), state: "pending", path: `/e/${name}` } }]);
  for (const e of board.nextToRead(5)) {
    board.record(e, {
      kind: "event",
      summary: {
        fingerprint: "fp",
        type: "server-error",
        at: NOW - 3000,
        line: "server-error create-user POST /users 500 TypeError: boom",
      },
    });
  }
  const log = createConversationLog();
  log.apply({ kind: "user", text: "why does create-user fail?" });
  log.apply({ kind: "tool-start", id: "t", name: "read", summary: "features/create-user.js" });
  log.apply({ kind: "assistant", text: "It calls toUpperCase on undefined." });
  return {
    host: { environment: "development", behavior: "fix", model: "mock/mock-model", watchOnly: undefined, pid: 100 },
    hold: { held: true, cause: "human-working", agents: ["human-1"] },
    pausedBy: undefined,
    warning: undefined,
    busy: false,
    board,
    agents: [
      agent({}),
      agent({ id: "human-1", role: "human", pid: 200, status: "working" }),
      agent({ id: "dead", alive: false }),
    ],
    runs: [
      run({ status: "failed", command: "npm test", exitCode: 1, log: ".spark/logs/npm-2026-11-21-115900.log" }),
      run({}),
    ],
    approvals: [],
    log,
    ui: initialUi(),
    now: NOW,
    ...over,
  };
}

describe("the layout", () => {
  it("fits 80×24 with 7 rows of events and 11 of conversation, and drops the side column when narrow", () => {
    expect(computeLayout(80, 24)).toMatchObject({
      topRows: 7,
      conversationRows: 11,
      leftWidth: 50,
      rightWidth: 29,
      agentRows: 3,
      runRows: 3,
    });
    expect(computeLayout(60, 20)).toMatchObject({ rightWidth: 0, leftWidth: 60 });
    const tiny = computeLayout(5, 3);
    expect(tiny.topRows + tiny.conversationRows + 6).toBe(tiny.height);
    expect(firstVisible(0, 3)).toBe(0);
    expect(firstVisible(7, 3)).toBe(5);
  });
});

describe("the whole screen", () => {
  it("is exactly the terminal's size and shows status, events, agents, runs and the conversation at 80×24", () => {
    const frame = renderScreen(scene(), 80, 24);
    expect(frame.lines).toHaveLength(24);
    for (const line of frame.lines) expect(width(line)).toBe(80);
    const text = frame.lines.map(plain);
    expect(text[0]).toMatch(/^ Spark │ env development │ behaviour fix │ model mock\/mock-model .*\? help $/);
    expect(text[1]).toMatch(/^⏸ held: a human agent is working · 1 waiting +agent idle $/);
    expect(text[2]).toMatch(/^─ +Events +1 held ─+┬─ +Agents +2 live ─+$/);
    expect(text[3]).toMatch(/^held +server-error create-user POST … 3s│sidecar +idle +up 3m +this *$/);
    expect(text[4]).toMatch(/│human +working +up 3m +200 *$/);
    expect(text[6]).toMatch(/├─ +Runs +1 failed ─+$/);
    expect(text[7]).toMatch(/│✖ exit 1 +npm test +1m$/);
    expect(text[8]).toMatch(/│✔ ok\/running +dev +1m$/);
    expect(text[10]).toMatch(/^─ +Conversation ─+┴─+$/);
    expect(text.slice(11, 14)).toEqual([
      expect.stringMatching(/^› why does create-user fail\? *$/),
      expect.stringMatching(/^▸ read features\/create-user.js *$/),
      expect.stringMatching(/^It calls toUpperCase on undefined\. *$/),
    ]);
    expect(text[22]).toMatch(/^› press i to ask the agent something/);
    expect(text[23]).toMatch(/^ ↑↓ select {2}Enter open {2}Tab pane .* q quit/);
  });

  it("pins a tool call that waits for a yes above the conversation, with what led to it, the time left and the keys", () => {
    const waiting = approvalState(
      {
        v: 1,
        id: "3f9a0c1b",
        tool: "bash",
        summary: "npm run migrate\u001b]0;owned\u0007",
        args: {},
        requestedAt: new Date(NOW - 60_000).toISOString(),
        expiresAt: new Date(NOW + 9 * 60_000).toISOString(),
        agent: { id: "sidecar-1", role: "sidecar", pid: 100, host: "h" },
        cause: {
          kind: "events",
          events: [{ id: "e1", type: "server-error", line: "12:00:00 server-error checkout 500" }],
          more: 0,
        },
      },
      undefined,
      NOW,
      true,
    );
    const text = renderScreen(scene({ approvals: [waiting] }), 80, 24).lines.map(plain);
    expect(text[11]).toMatch(/^ ASK {2}bash npm run migrate.* · after server-error checkout 500 · 9m left *$/);
    expect(text[11]).not.toContain("\u001b");
    expect(text[12]).toMatch(/^ {2}y approve {2}n deny {2}\(the first; or manifest spark approve\|deny 3f9a0c1b\)/);
    expect(text[13]).toMatch(/^› why does create-user fail\?/);
  });

  it("in watch-only mode says so on top, pins how to configure a model, and hides the agent state", () => {
    const watchOnly = watchOnlyInfo(undefined, "/home/u/.pi/agent");
    const text = renderScreen(
      scene({
        host: { environment: "development", behavior: "fix", model: undefined, watchOnly, pid: 100 },
        hold: { held: true, cause: "watch-only", reason: "no model" },
        pausedBy: "alice",
      }),
      80,
      24,
    ).lines.map(plain);
    expect(text[0]).toContain("no model: watch-only");
    expect(text[1]).toMatch(/^⏸ held: watch-only: no model · paused by alice · 1 waiting *$/);
    expect(text[11]).toContain("No model: the sidecar only watches.");
    expect(text.join("\n")).toContain("manifest sidecar --model <provider>/<model>");
    expect(text[22]).toContain("no model");
  });

  it("draws a box over the panes, and a narrow screen without the side column", () => {
    const withHelp = renderScreen(scene({ ui: { ...initialUi(), popup: helpPopup() } }), 80, 24);
    const text = withHelp.lines.map(plain);
    expect(text[1]).toMatch(/^⏸┌─ Keys ─+┐/);
    expect(text.join("\n")).toContain("│ p                 pause Spark, or resume it");
    expect(text[23]).toMatch(/Esc close/);
    const narrow = renderScreen(scene(), 50, 16).lines.map(plain);
    expect(narrow).toHaveLength(16);
    expect(narrow.join("\n")).not.toContain("Agents");
  });

  it("the status line says when nothing holds events and when the agent works", () => {
    expect(plain(statusLine({ held: false }, 0, undefined, true, undefined, 80))).toMatch(
      /^▶ not paused: .* agent working… $/,
    );
    const paused = statusLine(
      { held: true, cause: "manual", by: "alice", reason: "deploying", since: "2026-11-21T09:00:00.000Z" },
      2,
      "alice",
      false,
      "⚠ Spark is off: x",
      100,
    );
    expect(plain(paused)).toMatch(/^⚠ Spark is off: x · ⏸ held: paused by alice: deploying · 2 waiting +agent idle $/);
  });
});

describe("agents and runs rows", () => {
  it("show role, status, age and pid; outcome, name and age", () => {
    expect(plain(agentRow(agent({ pid: 7 }), 100, 30, NOW))).toBe("sidecar idle    up 3m   pid 7 ");
    expect(runName(".spark/logs/npm-test-2026-11-21-115900-2.log")).toBe("npm-test");
    expect(runName("other.log")).toBe("other");
    expect(plain(runRow(run({ status: "failed", signal: "SIGKILL", command: "node server.js" }), 34, NOW))).toBe(
      "✖ SIGKILL    node server.js     1m",
    );
  });
});

describe("boxes", () => {
  it("show a group's newest event whole, an agent's presence, a log from its end", () => {
    const board = scene().board;
    const group = board.groups()[0];
    if (!group) throw new Error("no group");
    const event = {
      v: 1 as const,
      id: group.example.id,
      type: "server-error",
      traceId: "t-1",
      timestamp: new Date(NOW - 3000).toISOString(),
      environment: "development",
      source: { host: "h", pid: 1 },
      feature: "create-user",
      status: 500,
      error: {
        name: "TypeError",
        message: "boom",
        stack: "TypeError: boom\n    at createUser (features/create-user.js:3:9)",
      },
    };
    const popup = eventPopup(group, {
      entry: group.example,
      event,
      problem: undefined,
      reason: undefined,
      raw: undefined,
    });
    expect(popup.lines[0]).toBe("1 event of this problem on disk: 1 pending");
    expect(popup.lines.join("\n")).toContain("a 500 in create-user  pending");
    expect(popup.lines.join("\n")).toContain("at createUser (features/create-user.js:3:9)");
    expect(eventPopup(group, undefined).lines.at(-1)).toContain("moved while it was being read");
    expect(agentPopup(agent({})).lines.join("\n")).toContain('"role": "sidecar"');
    const log = popupFrame(logPopup(".spark/logs/dev.log", ["a", "b", "c", "d", "e"]), 30, 5);
    expect(log.maxScroll).toBe(2);
    expect(log.lines.map(plain)).toEqual([
      "┌─ .spark/logs/dev.log (th… ─┐",
      "│ c                          │",
      "│ d                          │",
      "│ e                          │",
      expect.stringMatching(/^└─+ Esc close · 3–5 of 5 ┘$/),
    ]);
  });
});
