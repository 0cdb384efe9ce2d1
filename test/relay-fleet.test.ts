import { beforeAll, describe, expect, it } from "vitest";
import type { FleetProject, FleetReport } from "../relay/fleet-view.js";
import { manifest } from "./helpers/cli.js";
import { hasNatsServer, startNats } from "./helpers/nats.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { consumeAsSidecar, emitErrors, type Machine, machine, startRelayProcess } from "./helpers/relay.js";
import { requireBuild } from "./helpers/repo.js";

beforeAll(requireBuild);

const fleet = async (m: Machine, ...args: string[]) => {
  const run = await manifest(["fleet", "status", "--json", ...args], m.root);
  expect(run.code, run.stderr).toBe(0);
  return run.json<FleetReport>();
};
const project = (report: FleetReport, name: string) => report.projects.find((p) => p.project === name) as FleetProject;

describe.runIf(hasNatsServer())("manifest fleet status", () => {
  it("shows every project and machine on the hub: agents, events here and on the hub, the pause, heartbeats", async () => {
    const hub = await startNats();
    const fast = ", presence: { heartbeatMs: 300, ttlMs: 5000 }";
    const a = machine("a", hub.url, {}, fast);
    const c = machine("c", hub.url, {}, fast);
    const b = machine("b", hub.url, { project: "blog" }, fast); // another project, no sidecar anywhere
    expect((await fleet(a)).projects).toEqual([]);
    expect((await manifest(["fleet", "status"], a.root)).stdout).toContain("No Spark project on nats://127.0.0.1:");

    consumeAsSidecar(c);
    const [relayA, relayB, relayC] = [a, b, c].map((m) => startRelayProcess(m)) as [
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
    ];
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    await relayA.waitFor((x) => x.type === "machine" && x.machine === "c", "C seen from A");
    expect((await manifest(["spark", "pause", "release checks", "--json"], a.root)).code).toBe(0);
    await relayC.waitFor((x) => x.type === "pause" && x.action === "applied" && x.paused, "A's pause on C");
    const held = emitErrors(a, 2); // paused: they wait on A
    emitErrors(b, 3); // no sidecar for blog: they wait on the hub
    await relayB.waitFor((x) => x.type === "published", "B's events on the hub");

    const report = await waitFor(async () => {
      const r = await fleet(a);
      const onA = project(r, "shop")?.machines.find((m) => m.machine === "a");
      return onA?.events.pending === held.length && project(r, "blog")?.hub?.waiting === 3 ? r : undefined;
    }, "A's held events and B's waiting ones in the fleet");
    const shop = project(report, "shop");
    expect(shop.pause).toMatchObject({ reason: "release checks" });
    expect(shop.machines.map((m) => m.machine)).toEqual(["a", "c"]);
    const onC = shop.machines.find((m) => m.machine === "c");
    expect(onC).toMatchObject({ sidecar: true, events: { pending: 0, claimed: 0 } });
    expect(onC?.agents).toEqual([expect.objectContaining({ role: "sidecar", alive: true })]);
    expect(project(report, "blog")).toMatchObject({
      pause: null,
      hub: { waiting: 3, inFlight: 0 },
      machines: [expect.objectContaining({ machine: "b", sidecar: false })],
    });
    const text = (await manifest(["fleet", "status"], a.root)).stdout;
    expect(text).toContain("project blog: 3 waiting on the hub · 0 in flight");
    expect(text).toMatch(/project shop: .* · paused by .*: release checks/);
  });

  it("an unreachable hub: says so and what to check, without waiting for it", async () => {
    const a = machine("a", `nats://127.0.0.1:${await freePort()}`);
    const run = await manifest(["fleet", "status", "--json"], a.root);
    expect(run.code).toBe(1);
    expect(run.json<{ error: { message: string; next: string } }>().error).toMatchObject({
      message: expect.stringMatching(/^Cannot reach the hub at nats:\/\/127\.0\.0\.1:\d+\.$/),
      next: expect.stringContaining("hub.url"),
    });
  });
});
