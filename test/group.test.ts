import { describe, expect, it } from "vitest";
import { groupEvents } from "../bus/group.js";
import { makeEvent, serverError } from "./helpers/events.js";

describe("grouping a batch", () => {
  it("puts repeats of one problem in one group with count, first/last seen, newest example and all ids", () => {
    const a = serverError();
    const other = makeEvent({ type: "process-error", command: "npm test", exitCode: 1, error: { message: "exit 1" } });
    const b = serverError();
    const c = serverError();
    const groups = groupEvents([c, other, a, b]);
    expect(groups).toHaveLength(2);
    const [first, second] = groups;
    expect(first).toMatchObject({ type: "server-error", count: 3, firstSeen: a.timestamp, lastSeen: c.timestamp });
    expect(first?.example.id).toBe(c.id);
    expect(first?.ids).toEqual([a.id, b.id, c.id]);
    expect(second).toMatchObject({ type: "process-error", count: 1 });
  });

  it("computes a fingerprint for events written without one", () => {
    const { fingerprint: _omit, ...a } = serverError();
    const { fingerprint: _omit2, ...b } = serverError();
    expect(groupEvents([a, b])).toHaveLength(1);
  });
});

describe("folding a run into its crash", () => {
  it("puts `manifest run`'s process-error under the crash of the same run, and nothing else", () => {
    const crash = makeEvent({ type: "unhandled-error", error: new Error("boom"), runId: "run-1" });
    const run = makeEvent({
      type: "process-error",
      command: "node a.js",
      exitCode: 1,
      error: { message: "x" },
      runId: "run-1",
    });
    const otherRun = makeEvent({
      type: "process-error",
      command: "node b.js",
      exitCode: 1,
      error: { message: "y" },
      runId: "run-2",
    });
    const typo = makeEvent({
      type: "process-error",
      command: "nope",
      exitCode: 127,
      error: { message: "z" },
      runId: "run-1",
    });
    const groups = groupEvents([run, crash, otherRun, typo]);
    expect(groups.map((g) => g.ids)).toEqual([[crash.id], [otherRun.id], [typo.id]]);
    expect(groups[0]?.runs?.map((e) => e.id)).toEqual([run.id]);
    expect(groups[1]?.runs).toBeUndefined();
  });
});
