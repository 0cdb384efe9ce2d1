// The outbound side's hand-over, on a real temp bus: the hub's answer to each publish is played
// by the test (resolved or refused one by one), so the order of acks and failures is exact.
import { readdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import type { OutboundMessage } from "../relay/event-message.js";
import { startOutbound } from "../relay/outbound.js";
import type { RelayRecord } from "../relay/records.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const files = (dir: string) => {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch {
    return [];
  }
};

function emit(paths: BusPaths, count: number): string[] {
  const ctx = { environment: "test", host: hostname(), pid: process.pid, app: "a", redactKeys: [] };
  return Array.from({ length: count }, (_, i) => {
    const event = emitEvent(
      paths,
      { type: "server-error", route: "GET /", status: 500, error: new Error(`e${i}`) },
      ctx,
    );
    return `${event.id}.json`;
  });
}

/** An outbound whose publishes wait until the test answers them. */
function outboundWithHandAnsweredHub(paths: BusPaths, inFlight: number) {
  const asked = new Map<string, { resolve(): void; reject(error: Error): void }>();
  const records: RelayRecord[] = [];
  const outbound = startOutbound({
    paths,
    consumerId: "relay-test",
    project: "shop",
    machine: "a",
    extraKeys: [],
    inFlight,
    connected: () => true,
    holdReason: () => undefined,
    report: (r) => records.push(r),
    publish: (message: OutboundMessage) =>
      new Promise((resolve, reject) => {
        asked.set(message.msgId, { resolve: () => resolve({ duplicate: false }), reject });
      }),
  });
  return { outbound, asked, records };
}

describe("relay outbound: many publishes in flight", () => {
  it("moves each event to delivered/ on its own ack, puts refused ones back, and says so once", async () => {
    const { paths } = tempProject();
    const names = emit(paths, 6);
    const { outbound, asked, records } = outboundWithHandAnsweredHub(paths, 4);
    const claimed = join(paths.claimed, "relay-test");
    outbound.poke();
    await waitFor(() => asked.size === 4, "a full window of publishes");
    // The window is full: the other two wait in events/.
    expect(files(paths.events)).toEqual(names.slice(4));
    expect(files(claimed)).toEqual(names.slice(0, 4));

    // One ack: that event alone moves on, while the others are still in flight.
    asked.get(names[1] as string)?.resolve();
    await waitFor(() => files(paths.delivered).length === 1, "the acked event delivered");
    expect(files(paths.delivered)).toEqual([names[1]]);
    expect(files(claimed)).toEqual([names[0], names[2], names[3]]);

    // Two refused, one acked: the refused go back to events/ under their names, reported once.
    asked.get(names[0] as string)?.reject(new Error("no responders"));
    asked.get(names[3] as string)?.reject(new Error("no responders"));
    asked.get(names[2] as string)?.resolve();
    await waitFor(() => records.some((r) => r.type === "publish-failed"), "the failure reported");
    expect(records.filter((r) => r.type === "publish-failed")).toEqual([
      { type: "publish-failed", count: 2, message: "no responders" },
    ]);
    expect(files(paths.delivered)).toEqual([names[1], names[2]].sort());
    expect(files(claimed)).toEqual([]);
    expect(files(paths.events)).toEqual([names[0], names[3], names[4], names[5]].sort());

    // The next hint (a reconnect) sends them all; each publish goes out once per try.
    asked.clear();
    outbound.poke();
    await waitFor(() => asked.size === 4, "the retry");
    for (const answer of asked.values()) answer.resolve();
    await waitFor(() => files(paths.delivered).length === 6, "every event delivered");
    await outbound.stop();
    expect(files(paths.events)).toEqual([]);
    expect(
      records
        .filter((r) => r.type === "published")
        .map((r) => (r as { name: string }).name)
        .sort(),
    ).toEqual([...names].sort());
  });

  it("keeps the window full in a storm: claims more as soon as half of it is acked", async () => {
    const { paths } = tempProject();
    const names = emit(paths, 10);
    const { outbound, asked } = outboundWithHandAnsweredHub(paths, 4);
    outbound.poke();
    await waitFor(() => asked.size === 4, "a full window");
    asked.get(names[0] as string)?.resolve();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked.size).toBe(4); // three in flight: more than half the window is busy
    asked.get(names[1] as string)?.resolve();
    await waitFor(() => asked.size === 6, "two more claimed once half the window is free");
    for (const name of names.slice(2, 6)) asked.get(name)?.resolve();
    await waitFor(() => asked.size === 10, "the rest claimed");
    for (const name of names.slice(6)) asked.get(name)?.resolve();
    await outbound.stop();
    expect(files(paths.delivered)).toEqual([...names].sort());
  });
});
