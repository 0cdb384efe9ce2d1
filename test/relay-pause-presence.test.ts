import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { newPresence, writePresence } from "../bus/presence.js";
import { remoteDir } from "../bus/remote-presence.js";
import { statusSchema } from "../cli/schemas.js";
import { manifest } from "./helpers/cli.js";
import { hasNatsServer, startNats } from "./helpers/nats.js";
import { waitFor } from "./helpers/processes.js";
import { consumeAsSidecar, duplicates, emitErrors, type Machine, machine, startRelayProcess } from "./helpers/relay.js";
import { requireBuild } from "./helpers/repo.js";

beforeAll(requireBuild);

const pending = (m: Machine) => readdirSync(m.paths.events).filter((n) => n.endsWith(".json"));
const status = async (m: Machine) => statusSchema.parse((await manifest(["spark", "status", "--json"], m.root)).json());

describe.runIf(hasNatsServer())("relay: one pause, every machine's agents", () => {
  it("a pause set on C holds A's and B's events on their machines; a resume on B lets them all through, once each", async () => {
    const hub = await startNats();
    const [a, b, c] = ["a", "b", "c"].map((n) => machine(n, hub.url)) as [Machine, Machine, Machine];
    const sidecar = consumeAsSidecar(c);
    const [relayA, relayB, relayC] = [a, b, c].map((m) => startRelayProcess(m)) as [
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
      ReturnType<typeof startRelayProcess>,
    ];
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    await Promise.all([relayA, relayB].map((r) => r.waitFor((x) => x.type === "connected", "connected")));

    const paused = await manifest(["spark", "pause", "deploying", "--by", "carol", "--json"], c.root);
    expect(paused.code).toBe(0);
    for (const r of [relayA, relayB]) {
      await r.waitFor((x) => x.type === "pause" && x.action === "applied" && x.paused, "the pause from the hub");
    }
    expect((await status(a)).pause).toMatchObject({ state: "paused", by: "carol", reason: "deploying" });

    const held = [...emitErrors(a, 3), ...emitErrors(b, 3)];
    for (const r of [relayA, relayB]) {
      await r.waitFor((x) => x.type === "held" && /paused by carol/.test(x.reason), "holding its events");
    }
    expect(pending(a)).toHaveLength(3);
    expect(pending(b)).toHaveLength(3);
    expect(sidecar.delivered).toEqual([]);

    expect((await manifest(["spark", "resume", "--json"], b.root)).code).toBe(0);
    await waitFor(() => sidecar.delivered.length >= held.length, "the held events on C", 30_000);
    expect(new Set(sidecar.delivered)).toEqual(new Set(held));
    expect(duplicates(sidecar.delivered)).toEqual([]);
    await waitFor(() => !existsSync(c.paths.pause), "the resume mirrored on C");
    expect(existsSync(a.paths.pause)).toBe(false);
  });

  it("shows other machines' agents read-only in status, never holding this machine, and drops a vanished machine by TTL", async () => {
    const hub = await startNats();
    const fast = ", presence: { heartbeatMs: 300, ttlMs: 2000 }";
    const a = machine("a", hub.url, {}, fast);
    const c = machine("c", hub.url, {}, fast);
    consumeAsSidecar(c);
    // A person's Pi on A, working: it holds A's own sidecar, never C's.
    const human = { ...newPresence({ id: "human-a", role: "human", cwd: a.root }), status: "working" as const };
    const beat = setInterval(() => writePresence(a.paths, { ...human, heartbeatAt: new Date().toISOString() }), 200);
    try {
      writePresence(a.paths, human);
      const relayA = startRelayProcess(a);
      const relayC = startRelayProcess(c);
      await relayC.waitFor((x) => x.type === "machine" && x.action === "joined" && x.machine === "a", "A joined");
      await relayA.waitFor((x) => x.type === "machine" && x.action === "joined" && x.machine === "c", "C joined");

      const onC = await status(c);
      expect(onC.agents.find((x) => x.id === "human-a")).toMatchObject({
        machine: "a",
        role: "human",
        status: "working",
        alive: true,
      });
      expect(onC.held).toBe(false);
      expect(onC.relay).toMatchObject({ alive: true, machine: "c", connected: true, inbound: true });
      const onA = await status(a);
      expect(onA.agents.find((x) => x.role === "sidecar")).toMatchObject({ machine: "c", alive: true });
      expect(onA.sidecar.alive).toBe(false);
      const text = (await manifest(["spark", "status"], a.root)).stdout;
      expect(text).toContain("sidecar idle · on machine c (via the hub)");
      expect(text).toContain("the sidecar on machine c takes events through the hub");

      await relayA.kill9();
      await relayC.waitFor(
        (x) => x.type === "machine" && x.action === "left" && x.machine === "a",
        "A gone by TTL",
        20_000,
      );
      expect(existsSync(join(remoteDir(c.paths), "a.json"))).toBe(false);
      expect((await status(c)).agents.some((x) => x.machine === "a")).toBe(false);
    } finally {
      clearInterval(beat);
    }
  });
});
