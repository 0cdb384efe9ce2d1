import { describe, expect, it } from "vitest";
import { formatDuration, nextRunAt, parseDuration } from "../cli/run/schedule.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["2d", 172_800_000],
    [" 10S ", 10_000],
  ])("reads %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5", "m", "5 m", "-5s", "5w", "1h-30m", "0s", "abc"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it("writes durations as they are read", () => {
    expect(formatDuration(30_000)).toBe("30s");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(500)).toBe("500ms");
  });
});

describe("nextRunAt", () => {
  const every = 60_000;
  it("is the next slot of the grid", () => {
    expect(nextRunAt(0, every, 5_000)).toBe(60_000);
    expect(nextRunAt(60_000, every, 61_000)).toBe(120_000);
  });

  it("never re-runs in the slot that just ran, even when the run took no time", () => {
    expect(nextRunAt(0, every, 0)).toBe(60_000);
  });

  it("skips the slots a long run overlapped, staying on the grid", () => {
    expect(nextRunAt(0, every, 150_000)).toBe(180_000);
    expect(nextRunAt(0, every, 120_000)).toBe(120_000);
  });
});
