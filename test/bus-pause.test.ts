import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeHold, evaluateHold } from "../bus/effective-pause.js";
import { housekeeping } from "../bus/housekeeping.js";
import type { BusPaths } from "../bus/paths.js";
import { clearPause, evaluatePause, pauseHolds, readPause, writePause } from "../bus/pause.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { sparkConfig } from "./helpers/bus-state.js";
import { killFixture, startFixture } from "./helpers/fixtures.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const MINUTE = 60_000;
const STALE_MS = 30 * MINUTE;

function project(): BusPaths {
  const { paths } = tempProject();
  ensureBusDirs(paths);
  return paths;
}

describe("a stale pause (older than pause.staleThresholdMinutes)", () => {
  it("reads as stale and no longer holds events", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying", now: Date.now() - 31 * MINUTE });
    const state = readPause(paths, STALE_MS);
    expect(state).toMatchObject({ kind: "paused", stale: true, pause: { by: "alice", reason: "deploying" } });
    expect(pauseHolds(state)).toBe(false);
    expect(evaluateHold(state, [])).toEqual({ held: false });
  });

  it("is judged the same from the file's text alone", () => {
    const since = new Date(Date.now() - 31 * MINUTE).toISOString();
    const state = evaluatePause(JSON.stringify({ by: "alice", since, reason: "" }), Date.now(), STALE_MS);
    expect(state).toMatchObject({ kind: "paused", stale: true });
    expect(pauseHolds(state)).toBe(false);
  });

  it("is cleared by start-up housekeeping, which reports who set it and why", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying", now: Date.now() - 45 * MINUTE });
    const report = housekeeping(paths, sparkConfig(), { startup: true });
    expect(report.clearedStalePause).toMatchObject({
      kind: "paused",
      stale: true,
      pause: { by: "alice", reason: "deploying" },
    });
    expect(existsSync(paths.pause)).toBe(false);
  });

  it("is left alone by periodic (non-start-up) housekeeping", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying", now: Date.now() - 45 * MINUTE });
    expect(housekeeping(paths, sparkConfig()).clearedStalePause).toBeUndefined();
    expect(existsSync(paths.pause)).toBe(true);
  });
});

describe("a fresh pause", () => {
  it("holds events, and says who paused and why", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying" });
    const state = readPause(paths, STALE_MS);
    expect(pauseHolds(state)).toBe(true);
    expect(describeHold(evaluateHold(state, []))).toBe("paused by alice: deploying");
  });

  it("survives start-up housekeeping", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying" });
    expect(housekeeping(paths, sparkConfig(), { startup: true }).clearedStalePause).toBeUndefined();
    expect(pauseHolds(readPause(paths, STALE_MS))).toBe(true);
  });

  it("is never seen half-written while another process keeps rewriting it", async () => {
    const { root, paths } = tempProject();
    const writer = startFixture("rewrite-pause.mjs", [root], { cwd: root });
    await waitFor(() => writer.lines().includes("paused"), "the first pause to be written");
    const unreadable = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const state = readPause(paths, STALE_MS);
      if (state.kind !== "paused") unreadable.add(state.kind === "unreadable" ? state.problem : "no pause");
    }
    await killFixture(writer);
    expect([...unreadable]).toEqual([]);
  });
});

describe("an unreadable pause file", () => {
  const cases: Array<{ label: string; content: string | Buffer; problem: RegExp }> = [
    { label: "garbage bytes", content: Buffer.from([0xff, 0x00, 0x9c, 0x7b, 0x0a]), problem: /not valid JSON/ },
    { label: "an empty file", content: "", problem: /not valid JSON/ },
    { label: "valid JSON of the wrong shape", content: '{"paused": true}', problem: /`by`.*`since`.*`reason`/ },
    { label: "a JSON array", content: "[]", problem: /must be an object/ },
    {
      label: "a `since` that is not a date",
      content: '{"by":"x","since":"yesterday","reason":""}',
      problem: /`since`/,
    },
  ];

  it.each(cases)("counts as paused when it holds $label, and names the problem", ({ content, problem }) => {
    const paths = project();
    writeFileSync(paths.pause, content);
    const state = readPause(paths, STALE_MS);
    expect(state).toMatchObject({ kind: "unreadable", problem: expect.stringMatching(problem) });
    expect(pauseHolds(state)).toBe(true);
  });

  it("counts as paused when it cannot be read at all (a directory named pause)", () => {
    const paths = project();
    mkdirSync(paths.pause);
    const state = readPause(paths, STALE_MS);
    expect(state).toMatchObject({ kind: "unreadable", problem: expect.stringMatching(/cannot read it \(EISDIR\)/) });
    expect(pauseHolds(state)).toBe(true);
  });

  it("holds the consumer with a message that says how to clear it", () => {
    const paths = project();
    writeFileSync(paths.pause, "{oops");
    const hold = evaluateHold(readPause(paths, STALE_MS), []);
    expect(hold).toMatchObject({ held: true, cause: "unreadable-pause" });
    expect(describeHold(hold)).toMatch(/pause file is unreadable \(not valid JSON.*\); run `manifest spark resume`/);
  });

  it("is never cleared as stale by start-up housekeeping (fail safe)", () => {
    const paths = project();
    writeFileSync(paths.pause, "{oops");
    expect(housekeeping(paths, sparkConfig(), { startup: true }).clearedStalePause).toBeUndefined();
    expect(readFileSync(paths.pause, "utf8")).toBe("{oops");
  });
});

describe("clearing the pause", () => {
  it("with onlyBy removes a pause set by that writer (a git hook clears its own pause)", () => {
    const paths = project();
    writePause(paths, { by: "git-hook:pre-commit", reason: "checks running" });
    expect(clearPause(paths, { onlyBy: "git-hook:pre-commit" })).toBe(true);
    expect(existsSync(paths.pause)).toBe(false);
  });

  it("with onlyBy never removes a pause somebody else set", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying" });
    const before = readFileSync(paths.pause, "utf8");
    expect(clearPause(paths, { onlyBy: "git-hook:pre-commit" })).toBe(false);
    expect(readFileSync(paths.pause, "utf8")).toBe(before);
  });

  it("with onlyBy never removes an unreadable pause: nobody can tell whose it is", () => {
    const paths = project();
    writeFileSync(paths.pause, "{oops");
    expect(clearPause(paths, { onlyBy: "git-hook:pre-commit" })).toBe(false);
    expect(readFileSync(paths.pause, "utf8")).toBe("{oops");
  });

  it("without onlyBy (resume) removes any pause file, readable or not", () => {
    const paths = project();
    writePause(paths, { by: "alice", reason: "deploying" });
    expect(clearPause(paths)).toBe(true);
    writeFileSync(paths.pause, "{oops");
    expect(clearPause(paths)).toBe(true);
    expect(readPause(paths, STALE_MS)).toEqual({ kind: "none" });
  });

  it("without onlyBy (resume) removes even a directory made where the pause file belongs", () => {
    const paths = project();
    mkdirSync(join(paths.pause, "inside"), { recursive: true });
    expect(clearPause(paths)).toBe(true);
    expect(readPause(paths, STALE_MS)).toEqual({ kind: "none" });
  });

  it("reports false when there was nothing to clear", () => {
    const paths = project();
    expect(clearPause(paths)).toBe(false);
    expect(clearPause(paths, { onlyBy: "alice" })).toBe(false);
  });
});

describe("a pause file written atomically", () => {
  it("leaves no staging file behind in .spark/", () => {
    const paths = project();
    writePause(paths, { by: "alice" });
    writePause(paths, { by: "bob" });
    const staged = readdirSync(paths.spark).filter((name) => name.includes(".tmp"));
    expect(staged).toEqual([]);
    expect(readPause(paths, STALE_MS)).toMatchObject({ kind: "paused", pause: { by: "bob" } });
  });
});
