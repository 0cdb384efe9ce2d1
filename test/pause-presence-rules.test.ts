import { describe, expect, it } from "vitest";
import { describeHold, evaluateHold } from "../bus/effective-pause.js";
import { isPresenceAlive } from "../bus/liveness.js";
import { evaluatePause, pauseHolds } from "../bus/pause.js";
import type { AgentPresence } from "../bus/presence.js";

const now = Date.UTC(2026, 10, 21, 12);
const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
const MIN = 60_000;

describe("the pause file", () => {
  it("is absent, fresh, stale or unreadable", () => {
    expect(evaluatePause(undefined, now, 30 * MIN)).toEqual({ kind: "none" });
    const fresh = evaluatePause(
      JSON.stringify({ by: "alice", since: iso(5 * MIN), reason: "deploying" }),
      now,
      30 * MIN,
    );
    expect(fresh).toMatchObject({ kind: "paused", stale: false, ageMs: 5 * MIN, pause: { by: "alice" } });
    expect(pauseHolds(fresh)).toBe(true);
    const stale = evaluatePause(JSON.stringify({ by: "bob", since: iso(31 * MIN), reason: "" }), now, 30 * MIN);
    expect(stale).toMatchObject({ kind: "paused", stale: true });
    expect(pauseHolds(stale)).toBe(false);
  });

  it.each([
    ["garbage", "\u0000\u0001garbage"],
    ["an empty file", ""],
    ["the wrong shape", '{"who":"alice"}'],
    ["a bad date", '{"by":"a","since":"yesterday","reason":""}'],
  ])("counts %s as a pause (fail safe), naming the problem", (_what, content) => {
    const state = evaluatePause(content, now, 30 * MIN);
    expect(state.kind).toBe("unreadable");
    expect(pauseHolds(state)).toBe(true);
    expect(state.kind === "unreadable" && state.problem.length).toBeGreaterThan(5);
  });
});

describe("presence liveness", () => {
  const record = { host: "here", pid: 100, heartbeatAt: iso(5000) };
  const facts = (pidAlive: boolean) => ({ now, thisHost: "here", pidExists: () => pidAlive, ttlMs: 30_000 });

  it("needs a fresh heartbeat and, on this host, a live pid", () => {
    expect(isPresenceAlive(record, facts(true))).toBe(true);
    expect(isPresenceAlive(record, facts(false))).toBe(false);
    expect(isPresenceAlive({ ...record, heartbeatAt: iso(31_000) }, facts(true))).toBe(false);
  });

  it("never checks a pid on another host", () => {
    let asked = false;
    const other = { ...record, host: "sprite-1" };
    const probe = () => {
      asked = true;
      return false;
    };
    const alive = isPresenceAlive(other, { now, thisHost: "here", pidExists: probe });
    expect(alive).toBe(true);
    expect(asked).toBe(false);
    expect(isPresenceAlive({ ...other, heartbeatAt: iso(60_000) }, facts(true))).toBe(false);
  });

  it("treats an unparseable heartbeat as dead", () => {
    expect(isPresenceAlive({ ...record, heartbeatAt: "never" }, facts(true))).toBe(false);
  });
});

describe("the effective pause", () => {
  const agent = (role: "human" | "sidecar", status: "idle" | "working"): AgentPresence => ({
    id: `${role}-${status}`,
    role,
    status,
    pid: 1,
    host: "h",
    cwd: "/",
    startedAt: iso(0),
    lastActivity: iso(0),
    heartbeatAt: iso(0),
  });

  it("holds for a fresh manual pause, an unreadable pause, or a working human", () => {
    const manual = evaluateHold(
      { kind: "paused", pause: { by: "alice", since: iso(0), reason: "deploy" }, ageMs: 0, stale: false },
      [],
    );
    expect(manual).toMatchObject({ held: true, cause: "manual" });
    expect(describeHold(manual)).toBe("paused by alice: deploy");
    expect(evaluateHold({ kind: "unreadable", problem: "x" }, [])).toMatchObject({
      held: true,
      cause: "unreadable-pause",
    });
    const working = evaluateHold({ kind: "none" }, [agent("human", "working"), agent("human", "idle")]);
    expect(working).toEqual({ held: true, cause: "human-working", agents: ["human-working"] });
    expect(describeHold(working)).toBe("a human agent is working");
  });

  it("does not hold for a stale pause, idle humans or a working sidecar", () => {
    const stale = { kind: "paused", pause: { by: "a", since: iso(0), reason: "" }, ageMs: 0, stale: true } as const;
    expect(evaluateHold(stale, [agent("human", "idle"), agent("sidecar", "working")])).toEqual({ held: false });
  });
});
