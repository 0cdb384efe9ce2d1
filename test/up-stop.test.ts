import { describe, expect, it } from "vitest";
import type { PaneInfo } from "../cli/up/session.js";
import { type ProcessControl, parseProcStat, stopPanes } from "../cli/up/stop.js";

/** Process groups that end after a number of checks once signalled (never when `stubborn`). */
function fakeProcesses(groups: Record<number, { checksToStop: number; stubborn?: boolean }>) {
  const sent: Array<[number, NodeJS.Signals]> = [];
  const signalled = new Set<number>();
  const checks = new Map<number, number>();
  let clock = 0;
  const control: ProcessControl = {
    signal: (pgid, signal) => {
      sent.push([pgid, signal]);
      signalled.add(pgid);
    },
    alive: (pgid) => {
      const group = groups[pgid];
      if (!group) return false;
      if (!signalled.has(pgid) || group.stubborn) return true;
      const n = (checks.get(pgid) ?? 0) + 1;
      checks.set(pgid, n);
      return n <= group.checksToStop;
    },
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
  };
  return { control, sent };
}

const pane = (id: string, pid: number, role: PaneInfo["role"], dead = false): PaneInfo => ({
  id,
  pid,
  role,
  dead,
  notice: false,
});

describe("stopPanes", () => {
  it("asks pi and the sidecar with SIGTERM and the app with SIGINT, all at once, and waits for them", async () => {
    const { control, sent } = fakeProcesses({
      10: { checksToStop: 1 },
      11: { checksToStop: 3 },
      12: { checksToStop: 2 },
    });
    const stops = await stopPanes(
      [pane("%0", 10, "human"), pane("%1", 11, "sidecar"), pane("%2", 12, "app")],
      10_000,
      control,
    );
    expect(sent).toEqual([
      [10, "SIGTERM"],
      [11, "SIGTERM"],
      [12, "SIGINT"],
    ]);
    expect(stops).toEqual([
      { role: "human", id: "%0", signal: "SIGTERM", stopped: true },
      { role: "sidecar", id: "%1", signal: "SIGTERM", stopped: true },
      { role: "app", id: "%2", signal: "SIGINT", stopped: true },
    ]);
  });

  it("leaves alone panes whose program has ended and panes the person opened", async () => {
    const { control, sent } = fakeProcesses({ 20: { checksToStop: 0 } });
    const stops = await stopPanes([pane("%0", 10, "human", true), pane("%3", 20, undefined)], 1000, control);
    expect(sent).toEqual([]);
    expect(stops).toEqual([{ role: "human", id: "%0", signal: null, stopped: true }]);
  });

  it("gives up at the deadline and says which did not stop", async () => {
    const { control } = fakeProcesses({ 10: { checksToStop: 0 }, 12: { checksToStop: 0, stubborn: true } });
    const stops = await stopPanes([pane("%0", 10, "human"), pane("%2", 12, "app")], 500, control);
    expect(stops.map((s) => [s.role, s.stopped])).toEqual([
      ["human", true],
      ["app", false],
    ]);
  });
});

describe("parseProcStat", () => {
  it("reads the state and process group, whatever the program's name holds", () => {
    expect(parseProcStat("342 (node) Z 3992 342 342 0 -1 4194564")).toEqual({ state: "Z", pgrp: 342 });
    expect(parseProcStat("7 (my (odd) prog) S 1 5 5 0")).toEqual({ state: "S", pgrp: 5 });
    expect(parseProcStat("garbage")).toBeUndefined();
  });
});
