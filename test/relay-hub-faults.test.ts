import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { statusSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { hasNatsServer, startNats } from "./helpers/nats.js";
import { waitFor } from "./helpers/processes.js";
import { consumeAsSidecar, duplicates, emitErrors, type Machine, machine, startRelayProcess } from "./helpers/relay.js";
import { requireBuild } from "./helpers/repo.js";

beforeAll(requireBuild);

const pending = (m: Machine) => readdirSync(m.paths.events).filter((n) => n.endsWith(".json"));

describe.runIf(hasNatsServer())("relay: the hub frozen, then restarted", () => {
  it("local buses keep working, nothing is lost or doubled, and the relays catch up", {
    timeout: 240_000,
  }, async () => {
    const hub = await startNats();
    const [a, b, c] = ["a", "b", "c"].map((n) => machine(n, hub.url, { ackWaitSeconds: 5 })) as [
      Machine,
      Machine,
      Machine,
    ];
    const sidecar = consumeAsSidecar(c);
    const relays = [a, b, c].map((m) => startRelayProcess(m));
    const [relayA, relayB, relayC] = relays as [(typeof relays)[0], (typeof relays)[0], (typeof relays)[0]];
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    const sent = [...emitErrors(a, 5), ...emitErrors(b, 5)];
    await waitFor(() => sidecar.delivered.length >= sent.length, "the first events on C", 30_000);

    // kill -STOP for 20 s: the hub's sockets stay open and say nothing.
    hub.freeze();
    const frozenAt = Date.now();
    sent.push(...emitErrors(a, 10, "frozen"), ...emitErrors(b, 10, "frozen"));
    // The local bus does not wait for the hub: the CLI works, and C's own events reach its sidecar.
    const emitted = await manifest(["spark", "emit", "server-error", "--json"], c.root);
    expect(emitted.code).toBe(0);
    const local = `${emitted.json<{ id: string }>().id}.json`;
    await waitFor(() => sidecar.delivered.includes(local), "C's own event, delivered locally while the hub is frozen");
    const onA = statusSchema.parse((await manifest(["spark", "status", "--json"], a.root)).json());
    expect(onA.events.pending + onA.events.claimed).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - frozenAt))));
    hub.thaw();
    await waitFor(() => sent.every((n) => sidecar.delivered.includes(n)), "every event after the thaw", 90_000);

    // Stopped and started again on the same port and store: events written meanwhile wait, then go.
    await hub.restart(async () => {
      sent.push(...emitErrors(a, 10, "down"), ...emitErrors(b, 10, "down"));
      await relayA.waitFor((x) => x.type === "disconnected" || x.type === "publish-failed", "noticing the hub is gone");
      expect(pending(a).length + pending(b).length).toBeGreaterThan(0);
    });
    await waitFor(() => sent.every((n) => sidecar.delivered.includes(n)), "every event after the restart", 90_000);

    expect(duplicates(sidecar.delivered)).toEqual([]);
    expect(sidecar.delivered.filter((n) => n !== local).sort()).toEqual([...sent].sort());
    for (const m of [a, b]) expect(pending(m)).toEqual([]);
    expect(relayB.records().filter((x) => x.type === "connected").length).toBeGreaterThanOrEqual(2);
  });

  it("a relay stopped while the hub is away still stops, and leaves its events pending here", async () => {
    const hub = await startNats();
    const [a, c] = ["a", "c"].map((n) => machine(n, hub.url)) as [Machine, Machine];
    consumeAsSidecar(c);
    const [relayA, relayC] = [a, c].map((m) => startRelayProcess(m)) as [
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
    ];
    await relayA.waitFor((x) => x.type === "connected", "connected");
    // C is mid-pull when the hub goes: the pull must not keep it from stopping.
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    await hub.stop();
    await relayC.waitFor((x) => x.type === "disconnected", "noticing the hub is gone");
    const names = emitErrors(a, 3);
    for (const relay of [relayA, relayC]) {
      relay.run.child.kill("SIGTERM");
      expect((await relay.run.exit).code).toBe(0);
      expect(relay.records().at(-1)).toEqual({ type: "stopped" });
    }
    expect(pending(a).sort()).toEqual([...names].sort());
    expect(readdirSync(a.paths.claimed)).toEqual([]);
  });
});
