import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  renameSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { writePause } from "../bus/pause.js";
import { newPresence, writePresence } from "../bus/presence.js";
import { createEventBoard } from "../sidecar/dashboard/events-board.js";
import { type EventsFeed, startEventsFeed } from "../sidecar/dashboard/events-feed.js";
import { type Facts, type FactsFeed, startFactsFeed } from "../sidecar/dashboard/facts-feed.js";
import { readLogTail } from "../sidecar/dashboard/log-tail.js";
import { createRedrawScheduler } from "../sidecar/dashboard/redraw.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };
const config = { pause: { staleThresholdMinutes: 30 }, presence: { heartbeatMs: 10_000, ttlMs: 30_000 } };
const open: Array<EventsFeed | FactsFeed> = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

describe("the events feed", () => {
  it("counts and groups what is already on disk, then follows new events and their moves", async () => {
    const { paths } = tempProject();
    const first = emitEvent(
      paths,
      { type: "server-error", feature: "create-user", status: 500, error: new TypeError("x of undefined") },
      writer,
    );
    const board = createEventBoard();
    const onChange = vi.fn();
    const onRunEvent = vi.fn();
    // A short backstop: a watcher may still be starting when the first files land.
    const onError = (e: unknown) => {
      throw e;
    };
    open.push(startEventsFeed(paths, board, onChange, onRunEvent, onError, { backstopMs: 200 }));
    expect(board.totals().pending).toBe(1);
    expect(board.groups()[0]).toMatchObject({ count: 1, type: "server-error" });
    expect(board.groups()[0]?.line).toMatch(/^server-error create-user 500 TypeError: x of undefined$/);

    emitEvent(
      paths,
      { type: "server-error", feature: "create-user", status: 500, error: new TypeError("x of undefined") },
      writer,
    );
    emitEvent(paths, { type: "process-error", command: "npm test", exitCode: 1, error: { message: "exit 1" } }, writer);
    await waitFor(() => board.totals().pending === 3 && board.unread() === 0, "the new events to be read");
    expect(
      board
        .groups()
        .map((g) => g.count)
        .sort(),
    ).toEqual([1, 2]);
    expect(onRunEvent).toHaveBeenCalled();

    mkdirSync(paths.delivered, { recursive: true });
    renameSync(join(paths.events, `${first.id}.json`), join(paths.delivered, `${first.id}.json`));
    await waitFor(() => board.totals().delivered === 1, "the move");
    const group = board.groups().find((g) => g.count === 2);
    expect(group?.states).toMatchObject({ pending: 1, delivered: 1 });
    expect(onChange).toHaveBeenCalled();
  });
});

describe("the facts feed", () => {
  it("reads the agents, the pause and the runs, and reads them again when they change", async () => {
    const { paths } = tempProject();
    let facts: Facts | undefined;
    // The agents folder does not exist yet (nothing to watch): the tick finds it.
    const feed = startFactsFeed(
      paths,
      config,
      { watchOnly: false, tickMs: 200 },
      (f) => {
        facts = f;
      },
      (e) => {
        throw e;
      },
    );
    open.push(feed);
    expect(facts).toMatchObject({ agents: [], hold: { held: false }, pausedBy: undefined, runs: [] });

    const human = { ...newPresence({ id: "human-1", role: "human", cwd: paths.root }), status: "working" as const };
    writePresence(paths, human);
    await waitFor(() => facts?.hold.held, "the working human to hold events");
    expect(facts?.hold).toEqual({ held: true, cause: "human-working", agents: ["human-1"] });

    writePause(paths, { by: "alice", reason: "deploying" });
    mkdirSync(paths.logs, { recursive: true });
    writeFileSync(join(paths.logs, "dev-2026-11-21-101500.log"), "listening\n");
    feed.refresh();
    expect(facts?.hold).toMatchObject({ cause: "manual", by: "alice" });
    expect(facts?.pausedBy).toBe("alice");
    expect(facts?.runs.map((r) => r.log)).toEqual([".spark/logs/dev-2026-11-21-101500.log"]);
  });

  it("holds everything in watch-only mode, whatever the bus says", () => {
    const { paths } = tempProject();
    let facts: Facts | undefined;
    open.push(
      startFactsFeed(
        paths,
        config,
        { watchOnly: true },
        (f) => {
          facts = f;
        },
        () => {},
      ),
    );
    expect(facts?.hold).toEqual({ held: true, cause: "watch-only", reason: "no model" });
  });
});

describe("the log tail", () => {
  it("reads the last lines from the end of a large log, without colours or a cut first line", () => {
    const { root } = tempProject();
    const file = join(root, "big.log");
    const lines = Array.from({ length: 20_000 }, (_, i) => `\u001b[32mline ${i}\u001b[0m`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const tail = readLogTail(file, 4096, 50);
    expect(tail).toHaveLength(50);
    expect(tail.at(-1)).toBe("line 19999");
    expect(tail.every((l) => /^line \d+$/.test(l))).toBe(true);
  });

  it("never blocks on a FIFO where a log should be: it says why there is nothing to show", () => {
    const { root } = tempProject();
    const file = join(root, "dev.log");
    execFileSync("mkfifo", [file]);
    // A plain open would wait for a writer forever, freezing the dashboard. The test holds the
    // FIFO open read-write (Linux: no wait) so that a regression fails here instead of hanging.
    const held = openSync(file, constants.O_RDWR);
    try {
      expect(readLogTail(file)).toEqual([expect.stringMatching(/not a regular file.*FIFO/)]);
    } finally {
      closeSync(held);
    }
  });

  it("never follows a symlink out of the logs folder", () => {
    const { root } = tempProject();
    writeFileSync(join(root, "secrets.txt"), "API_KEY=sk-live-1234\n");
    symlinkSync(join(root, "secrets.txt"), join(root, "dev.log"));
    const tail = readLogTail(join(root, "dev.log"));
    expect(tail).toEqual([expect.stringMatching(/not a regular file.*symlink/)]);
    expect(tail.join("\n")).not.toContain("sk-live");
  });

  it("reads only the end of a huge log", () => {
    const { root } = tempProject();
    const file = join(root, "huge.log");
    // 2 GiB on paper (sparse), one real line at the end.
    writeFileSync(file, "");
    truncateSync(file, 2 * 1024 ** 3);
    appendFileSync(file, "\nthe last line\n");
    expect(readLogTail(file, 4096, 50).at(-1)).toBe("the last line");
  });

  it("says so when the log is gone", () => {
    const { root } = tempProject();
    expect(readLogTail(join(root, "gone.log"))).toEqual([expect.stringMatching(/gone/)]);
  });
});

describe("the redraw scheduler", () => {
  it("draws once for a burst, at most once per interval, and arms no timer while idle", () => {
    let now = 0;
    const timers: Array<{ at: number; fn: () => void } | undefined> = [];
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => timers.push({ at: now + ms, fn }) - 1,
      clearTimeout: (h: unknown) => {
        timers[h as number] = undefined;
      },
    };
    const advance = (ms: number) => {
      now += ms;
      for (const [i, t] of timers.entries()) {
        if (t && t.at <= now) {
          timers[i] = undefined;
          t.fn();
        }
      }
    };
    const draw = vi.fn();
    const redraw = createRedrawScheduler(draw, 50, clock);
    for (let i = 0; i < 10_000; i++) redraw.mark();
    advance(0);
    expect(draw).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 100; i++) redraw.mark();
    advance(49);
    expect(draw).toHaveBeenCalledTimes(1);
    advance(1);
    expect(draw).toHaveBeenCalledTimes(2);
    advance(10_000);
    expect(draw).toHaveBeenCalledTimes(2);
    expect(timers.filter(Boolean)).toHaveLength(0);
    redraw.mark();
    redraw.flush();
    expect(draw).toHaveBeenCalledTimes(3);
    expect(timers.filter(Boolean)).toHaveLength(0);
  });
});
