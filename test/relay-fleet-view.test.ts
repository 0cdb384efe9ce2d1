import { describe, expect, it } from "vitest";
import { newPresence } from "../bus/presence.js";
import { fleetLines, fleetReport } from "../relay/fleet-view.js";
import { buildMachineRecord } from "../relay/machine-record.js";
import { encodePause } from "../relay/pause-rules.js";

const now = Date.parse("2026-12-05T10:00:00Z");
const iso = (ago: number) => new Date(now - ago).toISOString();
const record = (machine: string, project: string, agentAgeMs: number, sidecar: boolean) => {
  const agent = { ...newPresence({ id: `${machine}-pi`, role: "sidecar", cwd: "/app" }), heartbeatAt: iso(agentAgeMs) };
  return {
    ...buildMachineRecord({
      project,
      machine,
      host: `${machine}.local`,
      relay: { id: "r", pid: 1, startedAt: iso(60_000) },
      agents: [agent],
      pending: 4,
      claimed: 1,
      now: now - 1000,
    }),
    sidecar,
  };
};

describe("fleet report", () => {
  it("groups machines under their projects, keeps only fresh agents alive, and reads the pause", () => {
    const report = fleetReport(
      {
        hub: "tls://hub:4222",
        streams: [
          { project: "shop", messages: 9, waiting: 7, inFlight: 2 },
          { project: "idle", messages: 0, waiting: null, inFlight: null },
        ],
        machines: [record("z", "shop", 1000, true), record("b", "shop", 120_000, false)],
        pauses: new Map([["shop", encodePause({ by: "ada", since: iso(5000), reason: "" }, "z")]]),
      },
      now,
      30_000,
    );
    expect(report.projects.map((p) => p.project)).toEqual(["idle", "shop"]);
    const [idle, shop] = report.projects;
    expect(idle).toEqual({ project: "idle", hub: { waiting: 0, inFlight: 0 }, pause: null, machines: [] });
    expect(shop?.hub).toEqual({ waiting: 7, inFlight: 2 });
    expect(shop?.pause).toEqual({ by: "ada", since: iso(5000), reason: null });
    expect(shop?.machines.map((m) => [m.machine, m.agents[0]?.alive, m.heartbeatAgeMs])).toEqual([
      ["b", false, 1000],
      ["z", true, 1000],
    ]);
    const lines = fleetLines(report);
    expect(lines).toContain("  no machine has a relay running");
    expect(lines).toContain("project shop: 7 waiting on the hub · 2 in flight · paused by ada");
    expect(lines.find((l) => l.includes(" b "))).toContain("no agents · 4 pending, 1 claimed");
    expect(lines.find((l) => l.includes(" z "))).toContain(
      "sidecar idle · 4 pending, 1 claimed · heartbeat 1 s ago · takes events",
    );
  });

  it("says so when no project is on the hub", () => {
    expect(
      fleetLines(fleetReport({ hub: "nats://h:4222", streams: [], machines: [], pauses: new Map() }, now, 30_000)),
    ).toEqual(["No Spark project on nats://h:4222 yet (a relay creates one)."]);
  });
});
