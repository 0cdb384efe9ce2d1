import { describe, expect, it } from "vitest";
import type { EventState } from "../bus/browse.js";
import type { BusChange } from "../bus/bus-diff.js";
import type { SparkEvent } from "../bus/event-schema.js";
import type { ReadEventResult } from "../bus/read-event.js";
import { createTail, type TailRecord, type TailSource } from "../cli/_tail-records.js";
import { busEntry as at } from "./helpers/events.js";

/** A fake bus: file names → bodies (or a read problem), and reason notes. */
function fakeSource() {
  const bodies = new Map<string, ReadEventResult>();
  const reasons = new Map<string, string>();
  const source: TailSource = {
    read: (entry) => bodies.get(entry.name) ?? { ok: false, missing: true },
    reason: (entry) => reasons.get(entry.name),
    time: (entry) => Number(entry.name.slice(0, 13)) || undefined,
  };
  return { bodies, reasons, source };
}

let clock = 1_795_000_000_000;
function event(type: string): { name: string; event: SparkEvent } {
  clock += 1000;
  const id = `${clock}-000001-${type}-42-${clock.toString(16).slice(-8)}`;
  const body: SparkEvent = { id, type, timestamp: new Date(clock).toISOString() };
  return { name: `${id}.json`, event: type.endsWith("-error") ? { ...body, error: { message: "boom" } } : body };
}

const appeared = (name: string, state: EventState): BusChange => ({ kind: "appeared", entry: at(name, state) });
const moved = (name: string, from: EventState, to: EventState, consumer?: string): BusChange => ({
  kind: "moved",
  entry: at(name, to, consumer),
  from,
});
const kinds = (records: readonly TailRecord[]) =>
  records.map((r) => (r.kind === "event" ? `event:${r.state}:${r.event.type}` : `${r.kind}:${"to" in r ? r.to : ""}`));

describe("createTail", () => {
  it("shows the newest N existing events first, oldest of them first, whatever their folder", () => {
    const { bodies, source } = fakeSource();
    const events = [event("server-error"), event("notification"), event("process-error"), event("notification")];
    for (const e of events) bodies.set(e.name, { ok: true, event: e.event });
    const tail = createTail({ lines: 2, source });
    const records = tail.scan({
      initial: true,
      changes: [
        appeared(events[3]?.name ?? "", "pending"),
        appeared(events[0]?.name ?? "", "pending"),
        appeared(events[2]?.name ?? "", "delivered"),
        appeared(events[1]?.name ?? "", "expired"),
      ],
    });
    expect(records).toEqual([
      { kind: "event", state: "delivered", event: events[2]?.event },
      { kind: "event", state: "pending", event: events[3]?.event },
    ]);
  });

  it("follows arrivals and reports moves only of events it showed", () => {
    const { bodies, source } = fakeSource();
    const old = event("notification");
    const fresh = event("server-error");
    for (const e of [old, fresh]) bodies.set(e.name, { ok: true, event: e.event });
    const tail = createTail({ lines: 0, source });
    expect(tail.scan({ initial: true, changes: [appeared(old.name, "pending")] })).toEqual([]);
    expect(kinds(tail.scan({ initial: false, changes: [appeared(fresh.name, "pending")] }))).toEqual([
      "event:pending:server-error",
    ]);
    const records = tail.scan({
      initial: false,
      changes: [moved(old.name, "pending", "claimed", "c1"), moved(fresh.name, "pending", "claimed", "c1")],
    });
    expect(records).toEqual([
      {
        kind: "moved",
        id: fresh.event.id,
        name: fresh.name,
        type: "server-error",
        from: "pending",
        to: "claimed",
        consumer: "c1",
      },
    ]);
    expect(kinds(tail.scan({ initial: false, changes: [moved(fresh.name, "claimed", "delivered")] }))).toEqual([
      "moved:delivered",
    ]);
  });

  it("shows an event that comes back to pending (requeued, released) even if it was never shown", () => {
    const { bodies, source } = fakeSource();
    const e = event("server-error");
    bodies.set(e.name, { ok: true, event: e.event });
    const tail = createTail({ lines: 0, source });
    tail.scan({ initial: true, changes: [appeared(e.name, "expired")] });
    expect(kinds(tail.scan({ initial: false, changes: [moved(e.name, "expired", "pending")] }))).toEqual([
      "event:pending:server-error",
    ]);
  });

  it("filters by type, from the name before reading", () => {
    const { bodies, source } = fakeSource();
    const wanted = event("server-error");
    const other = event("notification");
    bodies.set(wanted.name, { ok: true, event: wanted.event });
    const tail = createTail({ lines: 10, type: "server-error", source });
    // The other file is never read: the fake would report it missing, and nothing must come of it.
    const records = tail.scan({
      initial: true,
      changes: [appeared(wanted.name, "pending"), appeared(other.name, "pending")],
    });
    expect(kinds(records)).toEqual(["event:pending:server-error"]);
    expect(tail.scan({ initial: false, changes: [moved(other.name, "pending", "rejected")] })).toEqual([]);
  });

  it("waits for a rejected file's reason note, then shows it without one if it never comes", () => {
    const { reasons, source } = fakeSource();
    const a = event("server-error");
    const b = event("server-error");
    const tail = createTail({ lines: 0, source });
    tail.scan({ initial: true, changes: [] });
    expect(
      tail.scan({ initial: false, changes: [appeared(a.name, "rejected"), appeared(b.name, "rejected")] }),
    ).toEqual([]);
    reasons.set(a.name, "invalid JSON: x");
    expect(tail.scan({ initial: false, changes: [] })).toEqual([
      { kind: "rejected", id: a.event.id, name: a.name, type: "server-error", reason: "invalid JSON: x", from: null },
      {
        kind: "rejected",
        id: b.event.id,
        name: b.name,
        type: "server-error",
        reason: "no reason note beside the file",
        from: null,
      },
    ]);
  });

  it("reports a file that is not an event, and shows one that moved mid-read where it lands", () => {
    const { bodies, source } = fakeSource();
    const bad = event("server-error");
    const slippery = event("notification");
    bodies.set(bad.name, { ok: false, reason: "invalid JSON: y" });
    const tail = createTail({ lines: 0, source });
    tail.scan({ initial: true, changes: [] });
    expect(
      tail.scan({ initial: false, changes: [appeared(bad.name, "pending"), appeared(slippery.name, "pending")] }),
    ).toEqual([{ kind: "invalid", id: bad.event.id, name: bad.name, state: "pending", reason: "invalid JSON: y" }]);
    bodies.set(slippery.name, { ok: true, event: slippery.event });
    expect(kinds(tail.scan({ initial: false, changes: [moved(slippery.name, "pending", "delivered")] }))).toEqual([
      "event:delivered:notification",
    ]);
  });

  it("forgets names once they are gone: its memory follows the disk", () => {
    const { bodies, source } = fakeSource();
    const storm = Array.from({ length: 2000 }, () => event("server-error"));
    for (const e of storm) bodies.set(e.name, { ok: true, event: e.event });
    const tail = createTail({ lines: 0, source });
    tail.scan({ initial: true, changes: [] });
    expect(tail.scan({ initial: false, changes: storm.map((e) => appeared(e.name, "pending")) })).toHaveLength(2000);
    expect(tail.tracked()).toBe(2000);
    tail.scan({
      initial: false,
      changes: storm.map((e) => ({ kind: "gone", name: e.name, from: "pending" }) as const),
    });
    expect(tail.tracked()).toBe(0);
  });
});
