import { describe, expect, it } from "vitest";
import { AWAKE_START, type AwakePolicy, afterAwakeStep, nextAwakeStep } from "../sidecar/awake-rules.js";

const policy: AwakePolicy = { task: "spark-sidecar", expireSeconds: 180, refreshMs: 60_000 };
const held = { held: true, refreshedAt: 1_000, failing: false };

describe("nextAwakeStep (when the sidecar holds its Sprite awake)", () => {
  it("holds when a run starts, and refreshes only once the refresh period has passed", () => {
    expect(nextAwakeStep(AWAKE_START, true, 0, policy)).toBe("hold");
    expect(nextAwakeStep(held, true, 1_000 + 59_999, policy)).toBeUndefined();
    expect(nextAwakeStep(held, true, 1_000 + 60_000, policy)).toBe("hold");
  });

  it("releases when idle, and does nothing idle with nothing held", () => {
    expect(nextAwakeStep(held, false, 2_000, policy)).toBe("release");
    expect(nextAwakeStep(AWAKE_START, false, 2_000, policy)).toBeUndefined();
  });

  it("tries a failed hold again at the next look (nothing held, nothing refreshed)", () => {
    const failed = afterAwakeStep(AWAKE_START, "hold", "connect ECONNREFUSED", 5_000, policy).state;
    expect(nextAwakeStep(failed, true, 5_001, policy)).toBe("hold");
  });
});

describe("afterAwakeStep (what a call changes, and what is said)", () => {
  it("a hold that worked is held from now; a release that worked holds nothing; neither says a thing", () => {
    expect(afterAwakeStep(AWAKE_START, "hold", undefined, 7_000, policy)).toEqual({
      state: { held: true, refreshedAt: 7_000, failing: false },
    });
    expect(afterAwakeStep(held, "release", undefined, 8_000, policy)).toEqual({ state: AWAKE_START });
  });

  it("says a failure once per streak, with the cause and that the sidecar goes on", () => {
    const first = afterAwakeStep(AWAKE_START, "hold", "Tasks API answered 503", 1, policy);
    expect(first.notice?.level).toBe("warning");
    expect(first.notice?.text).toMatch(/could not keep the Sprite awake.*Tasks API answered 503.*goes on/);
    const second = afterAwakeStep(first.state, "hold", "Tasks API answered 503", 2, policy);
    expect(second.notice).toBeUndefined();
    const back = afterAwakeStep(second.state, "hold", undefined, 3, policy);
    expect(back.notice).toEqual({ level: "info", text: expect.stringMatching(/answers again/) });
    expect(back.state).toEqual({ held: true, refreshedAt: 3, failing: false });
  });

  it("counts a failed release as released: the task ends on its own, and the notice says when", () => {
    const after = afterAwakeStep(held, "release", "no answer in 5000 ms", 9, policy);
    expect(after.state.held).toBe(false);
    expect(after.notice?.text).toMatch(/ends on its own within 180 s/);
  });
});
