import { describe, expect, it } from "vitest";
import { createBusDiff } from "../bus/bus-diff.js";
import { busEntry as at } from "./helpers/events.js";

describe("createBusDiff", () => {
  it("reports everything on the first listing as appeared, then only what changed", () => {
    const diff = createBusDiff();
    expect(diff.update([at("a.json", "pending"), at("b.json", "delivered")]).map((c) => c.kind)).toEqual([
      "appeared",
      "appeared",
    ]);
    expect(diff.update([at("a.json", "pending"), at("b.json", "delivered")])).toEqual([]);
    expect(diff.update([at("a.json", "pending"), at("b.json", "delivered"), at("c.json", "pending")])).toEqual([
      { kind: "appeared", entry: at("c.json", "pending") },
    ]);
  });

  it("reports moves between folders and between consumers", () => {
    const diff = createBusDiff();
    diff.update([at("a.json", "pending")]);
    expect(diff.update([at("a.json", "claimed", "c1")])).toEqual([
      { kind: "moved", entry: at("a.json", "claimed", "c1"), from: "pending" },
    ]);
    expect(diff.update([at("a.json", "claimed", "c2")])).toEqual([
      { kind: "moved", entry: at("a.json", "claimed", "c2"), from: "claimed" },
    ]);
    expect(diff.update([at("a.json", "delivered")])).toEqual([
      { kind: "moved", entry: at("a.json", "delivered"), from: "claimed" },
    ]);
  });

  it("takes the later sighting when a file shows up twice in one listing", () => {
    const diff = createBusDiff();
    diff.update([at("a.json", "pending")]);
    expect(diff.update([at("a.json", "pending"), at("a.json", "claimed", "c1")])).toEqual([
      { kind: "moved", entry: at("a.json", "claimed", "c1"), from: "pending" },
    ]);
  });

  it("keeps a missing name for one listing: a move against the listing order is a move, not a loss", () => {
    const diff = createBusDiff();
    diff.update([at("a.json", "expired")]);
    // Requeued while the listing was between events/ and expired/: in neither.
    expect(diff.update([])).toEqual([]);
    expect(diff.update([at("a.json", "pending")])).toEqual([
      { kind: "moved", entry: at("a.json", "pending"), from: "expired" },
    ]);
  });

  it("reports a name gone after two listings without it, then forgets it", () => {
    const diff = createBusDiff();
    diff.update([at("a.json", "delivered")]);
    expect(diff.update([])).toEqual([]);
    expect(diff.update([])).toEqual([{ kind: "gone", name: "a.json", from: "delivered" }]);
    expect(diff.size()).toBe(0);
    expect(diff.update([at("a.json", "pending")])).toEqual([{ kind: "appeared", entry: at("a.json", "pending") }]);
  });

  it("remembers only what is on disk: a drained storm leaves nothing behind", () => {
    const diff = createBusDiff();
    const storm = Array.from({ length: 10_000 }, (_, i) => at(`${String(i).padStart(6, "0")}.json`, "pending"));
    expect(diff.update(storm)).toHaveLength(10_000);
    expect(diff.size()).toBe(10_000);
    const delivered = storm.map((e) => at(e.name, "delivered"));
    expect(diff.update(delivered).every((c) => c.kind === "moved")).toBe(true);
    diff.update([]);
    expect(diff.update([])).toHaveLength(10_000);
    expect(diff.size()).toBe(0);
  });
});
