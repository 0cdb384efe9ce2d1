import { describe, expect, it } from "vitest";
import { logFileName, logStamp, logsToPrune, parseLogName, sanitizeLogName } from "../cli/run/log-name.js";

describe("sanitizeLogName", () => {
  it.each([
    ["node", "node"],
    ["./scripts/deploy.sh", "deploy.sh"],
    ["/usr/local/bin/python3.12", "python3.12"],
    ["dev:server", "dev-server"],
    ["build && rm -rf /", "build-rm-rf"],
    ["../../etc/passwd", "passwd"],
    [".hidden", "hidden"],
    ["@scope/tool", "tool"],
    ["日本語", "run"],
    ["", "run"],
    ["a".repeat(200), "a".repeat(64)],
  ])("%j → %j", (raw, name) => {
    expect(sanitizeLogName(raw)).toBe(name);
  });
});

describe("log file names", () => {
  it("stamp local time to the second", () => {
    expect(logStamp(new Date(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02-030405");
  });

  it("round-trip through parseLogName, with a sequence number after the first", () => {
    expect(logFileName("dev", "2026-01-02-030405")).toBe("dev-2026-01-02-030405.log");
    expect(logFileName("dev", "2026-01-02-030405", 3)).toBe("dev-2026-01-02-030405-3.log");
    expect(parseLogName("my-app-2-2026-01-02-030405-3.log")).toEqual({
      name: "my-app-2",
      stamp: "2026-01-02-030405",
      seq: 3,
    });
    expect(parseLogName("dev-2026-01-02-030405.log")).toEqual({ name: "dev", stamp: "2026-01-02-030405", seq: 1 });
    expect(parseLogName("notes.txt")).toBeUndefined();
    expect(parseLogName("dev.log")).toBeUndefined();
  });
});

describe("logsToPrune", () => {
  const files = [
    "dev-2026-01-01-000000.log",
    "dev-2026-01-03-000000.log",
    "dev-2026-01-02-000000.log",
    "dev-2026-01-03-000000-2.log",
    "node-2026-01-01-000000.log",
    "dev-notes.txt",
  ];

  it("keeps the newest of the name, by time then sequence, and nothing else is touched", () => {
    expect(logsToPrune(files, "dev", 2).sort()).toEqual(["dev-2026-01-01-000000.log", "dev-2026-01-02-000000.log"]);
    expect(logsToPrune(files, "dev", 1)).toContain("dev-2026-01-03-000000.log");
    expect(logsToPrune(files, "dev", 1)).not.toContain("dev-2026-01-03-000000-2.log");
  });

  it("deletes nothing when there are no more than `keep`", () => {
    expect(logsToPrune(files, "dev", 4)).toEqual([]);
    expect(logsToPrune(files, "node", 1)).toEqual([]);
  });
});
