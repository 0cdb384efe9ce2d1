import { execFileSync, spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { describeHold, evaluateHold } from "../bus/effective-pause.js";
import { housekeeping } from "../bus/housekeeping.js";
import type { BusPaths } from "../bus/paths.js";
import {
  clearPause,
  evaluatePause,
  PAUSE_MAX_BYTES,
  pauseHolds,
  type RebaseProbe,
  readPause,
  writePause,
} from "../bus/pause.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { sparkConfig } from "./helpers/bus-state.js";
import { CLEAN_ENV, CLI } from "./helpers/cli.js";
import { killFixture, startFixture } from "./helpers/fixtures.js";
import { finished, waitFor } from "./helpers/processes.js";
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
    expect(state).toMatchObject({ kind: "unreadable", problem: expect.stringMatching(/not a regular file/) });
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

describe("a pause file that is not a plain small file (read like an event)", () => {
  it("a FIFO never blocks `spark status`: it reads at once as unreadable, which holds", async () => {
    const paths = project();
    execFileSync("mkfifo", [paths.pause]);
    // A blocking open would hang status (and every Pi session's main thread) until a writer
    // came: the child is killed after a bound, so a hang fails the test instead of stalling it.
    const child = spawn(process.execPath, [CLI, "spark", "status", "--json"], {
      cwd: paths.root,
      env: { ...process.env, ...CLEAN_ENV },
      timeout: 20_000,
      killSignal: "SIGKILL",
    });
    const result = await finished(child);
    expect(result.signal).toBeNull();
    expect(JSON.parse(result.stdout)).toMatchObject({
      pause: { state: "unreadable", problem: expect.stringMatching(/not a regular file/) },
      held: true,
    });
  });

  it("a symlink is never followed, even to a valid pause elsewhere", () => {
    const paths = project();
    const elsewhere = join(paths.root, "someone-elses-pause.json");
    writeFileSync(elsewhere, JSON.stringify({ by: "mallory", since: new Date().toISOString(), reason: "" }));
    symlinkSync(elsewhere, paths.pause);
    const state = readPause(paths, STALE_MS);
    expect(state).toMatchObject({ kind: "unreadable", problem: expect.stringMatching(/symlink/) });
    // resume removes the link, never what it points at.
    expect(clearPause(paths)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
    expect(readPause(paths, STALE_MS)).toEqual({ kind: "none" });
  });

  it("a huge file is not read whole: it is unreadable by its size alone", () => {
    const paths = project();
    // Sparse: 64 MiB on paper, nothing on disk; a whole read would allocate all of it.
    const fd = openSync(paths.pause, "w");
    ftruncateSync(fd, 64 * 1024 * 1024);
    closeSync(fd);
    const state = readPause(paths, STALE_MS);
    expect(state).toEqual({
      kind: "unreadable",
      problem: `${64 * 1024 * 1024} bytes, over the ${PAUSE_MAX_BYTES}-byte limit`,
    });
    expect(pauseHolds(state)).toBe(true);
  });
});

describe("a rebase pause (set by the git hooks)", () => {
  const rebasePause = (sinceMsAgo: number, paths: string[], pid?: number) =>
    JSON.stringify({
      by: "git-hook:rebase",
      since: new Date(Date.now() - sinceMsAgo).toISOString(),
      reason: "git rebase in progress",
      waitsFor: { kind: "git-rebase", paths, ...(pid ? { pid, host: "here" } : {}) },
    });
  const state = ["/repo/.git/rebase-merge", "/repo/.git/rebase-apply"];
  const probe = (existing: string[], livePids: number[] = []): RebaseProbe => ({
    exists: (p) => existing.includes(p),
    pidAlive: (pid) => livePids.includes(pid),
    thisHost: "here",
  });

  it("holds past the stale threshold while git's rebase state exists", () => {
    const result = evaluatePause(
      rebasePause(3 * 60 * MINUTE, state),
      Date.now(),
      STALE_MS,
      probe([state[0] as string]),
    );
    expect(result).toMatchObject({ kind: "paused", stale: false, waitsFor: { kind: "git-rebase", inProgress: true } });
    const hold = evaluateHold(result, []);
    expect(pauseHolds(result)).toBe(true);
    expect(describeHold(hold)).toBe(
      "paused by git-hook:rebase: git rebase in progress, until the git rebase finishes or is aborted",
    );
  });

  it("is over as soon as the state is gone (the rebase finished, or was aborted: no hook runs then)", () => {
    const result = evaluatePause(rebasePause(1000, state, 4242), Date.now(), STALE_MS, probe([]));
    expect(result).toMatchObject({ kind: "paused", stale: true, waitsFor: { inProgress: false } });
    expect(pauseHolds(result)).toBe(false);
  });

  it("holds between pre-rebase and git creating its state folder: the rebasing git process lives", () => {
    const result = evaluatePause(rebasePause(1000, state, 4242), Date.now(), STALE_MS, probe([], [4242]));
    expect(result).toMatchObject({ stale: false, waitsFor: { inProgress: true } });
  });

  it("from another host (whose pids mean nothing here) holds for a grace period until the state shows", () => {
    const fresh = evaluatePause(rebasePause(1000, state, 4242), Date.now(), STALE_MS, {
      ...probe([]),
      thisHost: "other",
    });
    expect(fresh).toMatchObject({ stale: false });
    const old = evaluatePause(rebasePause(5 * MINUTE, state, 4242), Date.now(), STALE_MS, {
      ...probe([]),
      thisHost: "other",
    });
    expect(old).toMatchObject({ stale: true });
  });

  it("probes only git's own rebase folders, by absolute path: other paths make it a plain pause", () => {
    const probed: string[] = [];
    const result = evaluatePause(
      rebasePause(5 * MINUTE, ["/home/me/.ssh/id_rsa", "relative/rebase-merge"]),
      Date.now(),
      STALE_MS,
      {
        ...probe([]),
        exists: (p) => {
          probed.push(p);
          return true;
        },
      },
    );
    expect(probed).toEqual([]);
    expect(result).toMatchObject({ kind: "paused", stale: false });
    expect(result).not.toHaveProperty("waitsFor");
  });

  it("is cleared by any housekeeping once the rebase is over, not only at start-up", () => {
    const paths = project();
    writePause(paths, {
      by: "git-hook:rebase",
      reason: "git rebase in progress",
      now: Date.now() - 2 * MINUTE,
      rebase: { paths: [join(paths.root, ".git/rebase-merge")], gitPid: undefined },
    });
    expect(housekeeping(paths, sparkConfig()).clearedStalePause).toMatchObject({ pause: { by: "git-hook:rebase" } });
    expect(existsSync(paths.pause)).toBe(false);
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
