import { describe, expect, it } from "vitest";
import type { AgentPresence, RunOutcome } from "../bus/presence.js";
import { DELIVERED_ENTRY } from "../pi-extensions/spark/context.js";
import { deliveredIds } from "../pi-extensions/spark/delivered-ids.js";
import { healthReport } from "../pi-extensions/spark/health.js";
import {
  batchIntro,
  behaviorInstructions,
  orientationText,
  systemPromptAddition,
} from "../pi-extensions/spark/instructions.js";
import { resolveRole, sessionToolsLevel, toolGate } from "../pi-extensions/spark/role.js";
import { runReport } from "../pi-extensions/spark/run-report.js";
import { statusText } from "../pi-extensions/spark/status-text.js";
import { serverError } from "./helpers/events.js";

describe("the role", () => {
  it("is the sidecar only when set explicitly; everything else is a human session", () => {
    expect(resolveRole({ SPARK_ROLE: "sidecar" }, undefined)).toBe("sidecar");
    expect(resolveRole({}, "sidecar")).toBe("sidecar");
    expect(resolveRole({ SPARK_ROLE: "sidecar" }, "human")).toBe("human");
    expect(resolveRole({}, undefined)).toBe("human");
    expect(resolveRole({ SPARK_ROLE: "side-car" }, undefined)).toBe("human");
  });

  it("blocks write, edit and bash under read-only tools, asks under approve, and lets all run under full", () => {
    for (const tool of ["write", "edit", "bash", "some_custom_tool"]) {
      expect(toolGate(tool, "read-only")).toBe("block");
      expect(toolGate(tool, "approve")).toBe("ask");
      expect(toolGate(tool, "full")).toBe("allow");
    }
    for (const tool of ["read", "grep", "find", "ls"]) {
      expect(toolGate(tool, "read-only")).toBe("allow");
      expect(toolGate(tool, "approve")).toBe("allow");
    }
  });

  it("holds the sidecar to the profile always, and a person's session once it took Spark events", () => {
    expect(sessionToolsLevel("sidecar", "read-only", false)).toBe("read-only");
    expect(sessionToolsLevel("human", "read-only", false)).toBe("full");
    expect(sessionToolsLevel("human", "read-only", true)).toBe("read-only");
    expect(sessionToolsLevel("human", "approve", true)).toBe("approve");
  });
});

describe("what Pi is told", () => {
  const fix = { tools: "full", behavior: "fix" } as const;

  it("fixes in development, takes care in production, only investigates when asked", () => {
    expect(behaviorInstructions("development", fix)).toContain("When the cause is clear, fix it");
    const prod = behaviorInstructions("production", fix);
    expect(prod).toContain("PRODUCTION");
    expect(prod).toContain("blast radius");
    expect(prod).toContain("no refactors");
    expect(prod).toContain("explain what you found and what you would change before acting");
    expect(behaviorInstructions("development", { tools: "full", behavior: "investigate" })).toContain(
      "Do not change files",
    );
    expect(behaviorInstructions("production", { tools: "read-only", behavior: "fix" })).toContain(
      "write, edit and bash are blocked",
    );
    expect(behaviorInstructions("production", { tools: "approve", behavior: "fix" })).toContain(
      "A denied call is final",
    );
  });

  it("puts the instructions in every batch, with the orientation on the first", () => {
    const intro = batchIntro("development", fix, { agentsMd: true, manifestMd: false, skills: ["spark"] });
    expect(intro).toContain("environment: development, behaviour: fix, tools: full");
    expect(intro).toContain("read AGENTS.md at the project root first");
    expect(intro).toContain("Skills available: spark");
    expect(batchIntro("development", fix)).not.toContain("Orientation");
    expect(orientationText({ agentsMd: false, manifestMd: false, skills: [] })).toContain(
      "no AGENTS.md or MANIFEST.md",
    );
  });

  it("tells a human session how to pause, and the sidecar how to behave", () => {
    expect(systemPromptAddition("human", "development", fix)).toContain("manifest spark pause");
    expect(systemPromptAddition("sidecar", "production", fix)).toContain("blast radius");
  });
});

describe("the human status line", () => {
  it("says what happened, newest first", () => {
    const at = "2026-11-21T09:00:00.000Z";
    const agent: AgentPresence = {
      id: "sidecar-12345-abcd",
      role: "sidecar",
      pid: 12345,
      host: "h",
      status: "idle",
      cwd: "/app",
      startedAt: at,
      lastActivity: at,
      heartbeatAt: at,
    };
    expect(statusText({ kind: "caught", event: serverError() })).toBe("⚡ Spark caught a 500 in create-user");
    expect(statusText({ kind: "joined", agent })).toBe("🤖 Agent joined (sidecar, pid 12345)");
    expect(statusText({ kind: "left", agent })).toBe("👋 Agent left (sidecar, pid 12345)");
    expect(statusText({ kind: "sidecar-working" })).toBe("🔧 Spark is on it");
    expect(statusText({ kind: "paused", reason: "deploy", by: "alice" })).toBe("⏸ Spark paused: deploy");
    expect(statusText({ kind: "pending", count: 2 })).toBe("⚡ 2 Spark events pending (no sidecar): /spark take");
  });

  it("says the sidecar's work ended, and how: fixed, gave up, failed", () => {
    const run = (outcome: RunOutcome["outcome"], summary: string): RunOutcome => ({ endedAt: "x", outcome, summary });
    expect(statusText({ kind: "ended", run: run("fixed", "Fixed: create-user handles a one-word name.") })).toBe(
      "✔ Spark fixed it: create-user handles a one-word name.",
    );
    expect(statusText({ kind: "ended", run: run("gave-up", "Not fixed: the cause is in a vendored lib") })).toBe(
      "✋ Spark gave up: the cause is in a vendored lib (see the sidecar)",
    );
    expect(statusText({ kind: "ended", run: run("failed", "Connection error.") })).toBe(
      "✖ Spark's run failed: Connection error.",
    );
    expect(statusText({ kind: "ended", run: run("done", "The build passes now.") })).toBe(
      "✔ Spark is done: The build passes now.",
    );
  });
});

describe("how a run ended", () => {
  const assistant = (text: string, extra: Record<string, unknown> = {}) => ({
    role: "assistant",
    content: [{ type: "text", text }],
    stopReason: "stop",
    ...extra,
  });

  it("reads the report's first word, the replay's label aside", () => {
    expect(runReport([{ role: "user", content: "x" }, assistant("Fixed: create-user.\nMore.")])).toEqual({
      outcome: "fixed",
      summary: "Fixed: create-user.",
    });
    expect(runReport([assistant("[REPLAY] Fixed create-user: it threw.")]).outcome).toBe("fixed");
    expect(runReport([assistant("Not fixed: I need the database schema.")]).outcome).toBe("gave-up");
    expect(runReport([assistant("The build fails on a type error.")])).toEqual({
      outcome: "done",
      summary: "The build fails on a type error.",
    });
  });

  it("is failed when the run ended in an error or was aborted, or gave no answer", () => {
    expect(runReport([assistant("", { stopReason: "error", errorMessage: "Connection error." })])).toEqual({
      outcome: "failed",
      summary: "Connection error.",
    });
    expect(runReport([assistant("", { stopReason: "aborted" })])).toEqual({ outcome: "failed", summary: "aborted" });
    expect(runReport([])).toMatchObject({ outcome: "failed" });
  });

  it("asks the sidecar to begin its report with Fixed: or Not fixed:", () => {
    expect(behaviorInstructions("development", { tools: "full", behavior: "fix" })).toContain('"Fixed:"');
    expect(behaviorInstructions("production", { tools: "full", behavior: "fix" })).toContain('"Not fixed:"');
  });
});

describe("delivered ids", () => {
  it("come from the session's spark-delivered entries only", () => {
    const ids = deliveredIds([
      { type: "custom", customType: DELIVERED_ENTRY, data: { ids: ["a", "b"] } },
      { type: "custom", customType: "other", data: { ids: ["x"] } },
      { type: "message" },
      { type: "custom", customType: DELIVERED_ENTRY, data: { ids: ["c", 7] } },
      { type: "custom", customType: DELIVERED_ENTRY, data: "garbage" },
    ]);
    expect([...ids].sort()).toEqual(["a", "b", "c"]);
  });
});

describe("the start-up health report", () => {
  const quiet = { released: 0, removedAgents: [], clearedStalePause: undefined, expired: [], sweptTmp: 0, pruned: 0 };
  const counts = { pending: 2, claimed: 0, delivered: 0, rejected: 0, expired: 0 };

  it("says nothing when there is nothing to say", () => {
    expect(healthReport(quiet, counts)).toBeUndefined();
  });

  it("reports a cleared stale pause, expired events (never silently), released claims and rejects", () => {
    const text = healthReport(
      {
        ...quiet,
        released: 3,
        removedAgents: ["human-1.json"],
        expired: ["a.json", "b.json"],
        clearedStalePause: {
          kind: "paused",
          pause: { by: "alice", since: "2026-11-21T08:00:00.000Z", reason: "deploy" },
          ageMs: 45 * 60_000,
          stale: true,
        },
      },
      { ...counts, rejected: 1 },
    );
    expect(text).toContain('Cleared a stale pause by alice ("deploy"), set 45 min ago.');
    expect(text).toContain("2 events were too old to deliver as fresh");
    expect(text).toContain("manifest spark events requeue --all-expired");
    expect(text).toContain("Put back 3 event(s)");
    expect(text).toContain("1 rejected file(s)");
  });
});
