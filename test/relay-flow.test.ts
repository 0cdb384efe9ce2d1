import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startManifest } from "./helpers/manifest-process.js";
import { hasNatsServer, startNats } from "./helpers/nats.js";
import { waitFor } from "./helpers/processes.js";
import { consumeAsSidecar, duplicates, emitErrors, machine, startRelayProcess } from "./helpers/relay.js";
import { requireBuild } from "./helpers/repo.js";

beforeAll(requireBuild);

const jsonFiles = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
};
const claimedFiles = (claimedDir: string) =>
  jsonFiles(claimedDir).length > 0
    ? []
    : readdirSync(claimedDir).flatMap((owner) => jsonFiles(join(claimedDir, owner)).map((n) => `${owner}/${n}`));

describe.runIf(hasNatsServer())("relay: many machines, one bus", () => {
  it("events from A and B in one storm arrive exactly once each on C, redacted, and leave delivered/ on A and B", async () => {
    const hub = await startNats();
    const [a, b, c] = ["a", "b", "c"].map((n) => machine(n, hub.url)) as [
      ReturnType<typeof machine>,
      ReturnType<typeof machine>,
      ReturnType<typeof machine>,
    ];
    const sidecar = consumeAsSidecar(c);
    const relays = [a, b, c].map((m) => startRelayProcess(m));
    const [, , relayC] = relays as [unknown, unknown, ReturnType<typeof startRelayProcess>];
    await Promise.all(relays.map((r) => r.waitFor((x) => x.type === "connected", "connected")));
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");

    const sent = [...emitErrors(a, 150), ...emitErrors(b, 150)];
    await waitFor(() => sidecar.delivered.length >= sent.length, "300 deliveries on C", 60_000);

    expect(duplicates(sidecar.delivered)).toEqual([]);
    expect(new Set(sidecar.delivered)).toEqual(new Set(sent));
    for (const m of [a, b]) {
      expect(jsonFiles(m.paths.events)).toEqual([]);
      // A file moves to delivered/ when the hub's ack reaches its relay, which can come after
      // C already has the event: wait for the acks, then count.
      await waitFor(() => jsonFiles(m.paths.delivered).length >= 150, `${m.name}'s acks`, 30_000);
      expect(jsonFiles(m.paths.delivered)).toHaveLength(150);
    }
    expect(jsonFiles(c.paths.delivered)).toHaveLength(300);
    const one = JSON.parse(readFileSync(join(c.paths.delivered, sent[0] as string), "utf8"));
    expect(one.relay).toEqual({ from: "a" });
    expect(one.request.input.token).toBe("[REDACTED]");
  });

  it("kill -9 of A's relay between the hub's ack and its own: republished on restart, dropped by the hub, delivered once", async () => {
    const hub = await startNats();
    const a = machine("a", hub.url);
    const c = machine("c", hub.url);
    const sidecar = consumeAsSidecar(c);
    const relayC = startRelayProcess(c);
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    const crashing = startRelayProcess(a, { SPARK_RELAY_FAULT: "after-publish" });
    await crashing.waitFor((x) => x.type === "connected", "connected");

    const [name] = emitErrors(a, 1) as [string];
    const died = await crashing.run.exit;
    expect(died.signal).toBe("SIGKILL");
    // The hub has it and C gets it; on A it is still claimed by the dead relay.
    await waitFor(() => sidecar.delivered.includes(name), "the event on C");
    expect(claimedFiles(a.paths.claimed)).toEqual([
      expect.stringMatching(new RegExp(`^relay-\\d+-[0-9a-f]+/${name}$`)),
    ]);

    const again = startRelayProcess(a);
    const republished = await again.waitFor((x) => x.type === "published" && x.name === name, "the republish");
    expect(republished).toMatchObject({ duplicate: true });
    expect(jsonFiles(a.paths.delivered)).toEqual([name]);
    expect(claimedFiles(a.paths.claimed)).toEqual([]);
    // A later event from A reaches C after anything published before it: once it is there, a copy would be too.
    const [later] = emitErrors(a, 1, "later") as [string];
    await waitFor(() => sidecar.delivered.includes(later), "the later event on C");
    expect(sidecar.delivered.filter((n) => n === name)).toHaveLength(1);
  });

  it("kill -9 of C's relay between writing the event and acking it: redelivered after the ack wait, recognised by name, delivered once", async () => {
    const hub = await startNats();
    const a = machine("a", hub.url, { ackWaitSeconds: 2 });
    const c = machine("c", hub.url, { ackWaitSeconds: 2 });
    const sidecar = consumeAsSidecar(c);
    const relayA = startRelayProcess(a);
    await relayA.waitFor((x) => x.type === "connected", "connected");
    const crashing = startRelayProcess(c, { SPARK_RELAY_FAULT: "after-write" });
    await crashing.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");

    const [name] = emitErrors(a, 1) as [string];
    expect((await crashing.run.exit).signal).toBe("SIGKILL");
    await waitFor(() => sidecar.delivered.includes(name), "the written event delivered on C");

    const again = startRelayProcess(c);
    const redelivery = await again.waitFor((x) => x.type === "duplicate" && x.name === name, "the redelivery");
    expect(redelivery).toMatchObject({ deliveries: 2 });
    expect(again.records().some((x) => x.type === "received" && x.name === name)).toBe(false);
    const [later] = emitErrors(a, 1, "later") as [string];
    await waitFor(() => sidecar.delivered.includes(later), "the later event on C");
    expect(sidecar.delivered.filter((n) => n === name)).toHaveLength(1);
  });

  it("an event C cannot write goes back to the hub at once (not after the ack wait) and lands, once, when it can", async () => {
    const hub = await startNats();
    const a = machine("a", hub.url);
    const c = machine("c", hub.url);
    const sidecar = consumeAsSidecar(c);
    const relayA = startRelayProcess(a);
    const relayC = startRelayProcess(c);
    await relayA.waitFor((x) => x.type === "connected", "connected");
    await relayC.waitFor((x) => x.type === "inbound" && x.active, "taking events for its sidecar");
    const [first] = emitErrors(a, 1, "first") as [string];
    await waitFor(() => sidecar.delivered.includes(first), "the first event on C");

    // C's staging folder (made when the relay started) turns into a file: no event can be written.
    rmSync(c.paths.tmp, { recursive: true });
    writeFileSync(c.paths.tmp, "");
    const blocked = emitErrors(a, 3, "blocked");
    const failedWrites = () =>
      new Set(
        relayC
          .records()
          .flatMap((x) =>
            x.type === "error" ? [/could not take message (\d+) .*the hub offers it again/.exec(x.message)?.[1]] : [],
          )
          .filter((seq) => seq !== undefined),
      );
    await waitFor(() => failedWrites().size === blocked.length, "each of the three writes failed and reported");
    expect(sidecar.delivered.filter((n) => blocked.includes(n))).toEqual([]);

    rmSync(c.paths.tmp);
    mkdirSync(c.paths.tmp, { mode: 0o700 });
    await waitFor(() => blocked.every((n) => sidecar.delivered.includes(n)), "the blocked events on C");
    expect(duplicates(sidecar.delivered)).toEqual([]);
    const received = relayC.records().filter((x) => x.type === "received" && blocked.includes(x.name));
    expect(received).toHaveLength(3);
    expect(received.every((x) => x.type === "received" && x.deliveries >= 2)).toBe(true);
  });
  it("events A sent while no sidecar ran anywhere come back to A once a sidecar starts there, delivered once", async () => {
    const hub = await startNats();
    const a = machine("a", hub.url);
    const relayA = startRelayProcess(a);
    await relayA.waitFor((x) => x.type === "connected", "connected");
    const sent = emitErrors(a, 3, "early");
    // Published and moved to delivered/ on the hub's ack: on the hub, handled by nobody yet.
    await waitFor(() => jsonFiles(a.paths.delivered).length === sent.length, "A's events published");

    const sidecar = consumeAsSidecar(a);
    await waitFor(() => sent.every((n) => sidecar.delivered.includes(n)), "A's own events delivered on A", 20_000);
    expect(duplicates(sidecar.delivered)).toEqual([]);
    expect(relayA.records().filter((x) => x.type === "duplicate")).toEqual([]);
    // Handled here after the trip: the delivered copy now carries the relay's mark.
    const back = JSON.parse(readFileSync(join(a.paths.delivered, sent[0] as string), "utf8"));
    expect(back.relay).toEqual({ from: "a" });
  });
  it("a person's `manifest relay` counts a storm in a few lines instead of listing every event", async () => {
    const hub = await startNats();
    const a = machine("a", hub.url);
    const run = startManifest(["relay"], a.root);
    await waitFor(() => run.lines().some((l) => l.startsWith("connected to")), `A's relay connected\n${run.stderr()}`);
    const sent = emitErrors(a, 400, "storm");
    await waitFor(() => jsonFiles(a.paths.delivered).length === sent.length, "the storm published", 30_000);
    const told = () =>
      run.lines().filter((l) => l.startsWith("→ hub")).length +
      run
        .lines()
        .flatMap((l) => [...l.matchAll(/([\d,]+) sent to the hub/g)])
        .reduce((n, m) => n + Number((m[1] ?? "0").replaceAll(",", "")), 0);
    await waitFor(() => told() === sent.length, "every event told, listed or counted");
    expect(run.lines().length).toBeLessThan(40);
  });
});
