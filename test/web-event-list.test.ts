import { describe, expect, it } from "vitest";
import { type BusWireLike, createEventList, type ListingLike } from "../sidecar/web/event-list.js";

const name = (ms: number, type = "server-error") => `${String(ms).padStart(13, "0")}-000001-${type}-42-0000abcd.json`;
const listing = (ms: number, state = "pending", extra: Partial<ListingLike> = {}): ListingLike => ({
  id: name(ms).replace(/\.json$/, ""),
  name: name(ms),
  state,
  type: "server-error",
  line: `09:00:00 server-error at ${ms}`,
  consumer: null,
  reason: null,
  problem: null,
  ...extra,
});
const wire = (
  ms: number,
  kind: BusWireLike["kind"],
  state?: string,
  extra: Partial<BusWireLike> = {},
): BusWireLike => ({
  kind,
  id: name(ms).replace(/\.json$/, ""),
  name: name(ms),
  ...(state ? { state } : {}),
  type: "server-error",
  ...extra,
});

describe("the browser's event list", () => {
  it("keeps rows newest first, whatever order the listing and the stream give them in", () => {
    const list = createEventList();
    list.reset([listing(2000), listing(1000), listing(3000)]);
    list.apply(wire(2500, "appeared", "pending", { read: { kind: "event", summary: { line: "new one" } } }));
    list.apply(wire(4000, "appeared", "pending"));
    expect(list.rows().map((r) => r.at)).toEqual([4000, 3000, 2500, 2000, 1000]);
    // The listing's line starts with a clock time; the row shows its own.
    expect(list.get(name(2000))?.line).toBe("server-error at 2000");
    expect(list.get(name(2500))?.line).toBe("new one");
  });

  it("moves a row between states, keeps what it knew of it, and drops it when gone", () => {
    const list = createEventList();
    list.reset([listing(1000)]);
    expect(list.apply(wire(1000, "moved", "claimed", { consumer: "sidecar-1" }))).toBe(true);
    expect(list.get(name(1000))).toMatchObject({
      state: "claimed",
      consumer: "sidecar-1",
      line: "server-error at 1000",
    });
    list.apply(wire(1000, "moved", "rejected", { read: { kind: "invalid", reason: "bad schema" } }));
    expect(list.counts()).toMatchObject({ rejected: 1, pending: 0, claimed: 0 });
    expect(list.get(name(1000))?.problem).toBe("bad schema");
    expect(list.apply(wire(1000, "gone"))).toBe(true);
    expect(list.rows()).toEqual([]);
    expect(list.apply(wire(1000, "gone"))).toBe(false);
  });

  it("holds at most maxRows: the oldest go first", () => {
    const list = createEventList(3);
    for (let ms = 1; ms <= 5; ms++) list.apply(wire(ms * 1000, "appeared", "pending"));
    expect(list.rows().map((r) => r.at)).toEqual([5000, 4000, 3000]);
    expect(list.get(name(1000))).toBeUndefined();
    list.reset([listing(1), listing(2), listing(3), listing(4)]);
    expect(list.rows().map((r) => r.at)).toEqual([4, 3, 2]);
  });

  it("a reset replaces everything it knew", () => {
    const list = createEventList();
    list.apply(wire(1000, "appeared", "pending"));
    list.reset([listing(2000, "delivered")]);
    expect(list.rows().map((r) => [r.at, r.state])).toEqual([[2000, "delivered"]]);
    expect(list.get(name(1000))).toBeUndefined();
  });
});
