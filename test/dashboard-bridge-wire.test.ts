import { describe, expect, it } from "vitest";
import type { BusEntry } from "../bus/browse.js";
import type { EventListing } from "../sidecar/bridge/spark-events.js";
import { itemsOfMessages } from "../sidecar/bridge-client/conversation-seed.js";
import {
  changeOfWire,
  detailOfListing,
  diffListing,
  outcomeOfListing,
  remoteEntry,
} from "../sidecar/dashboard/bridge-wire.js";

const listing = (name: string, state: string, extra: Partial<EventListing> = {}): EventListing => ({
  id: name.replace(/\.json$/, ""),
  name,
  state: state as EventListing["state"],
  consumer: null,
  type: "server-error",
  timestamp: "2026-11-21T09:00:01.000Z",
  line: "09:00:01 server-error create-user POST /users 500",
  fingerprint: "abc123",
  valid: true,
  problem: null,
  reason: null,
  ...extra,
});

describe("the bridge's answers as the terminal dashboard's board sees them", () => {
  it("a bus event becomes the change a local scan would have seen", () => {
    expect(
      changeOfWire({ change: "new", kind: "appeared", id: "a", name: "a.json", state: "pending", type: "x" }),
    ).toEqual({
      kind: "appeared",
      entry: { name: "a.json", id: "a", state: "pending", path: "a.json" },
    });
    expect(
      changeOfWire({
        change: "claimed",
        kind: "moved",
        id: "a",
        name: "a.json",
        state: "claimed",
        from: "pending",
        consumer: "sidecar-1",
        type: "x",
      }),
    ).toEqual({
      kind: "moved",
      from: "pending",
      entry: { name: "a.json", id: "a", state: "claimed", path: "a.json", consumer: "sidecar-1" },
    });
    expect(
      changeOfWire({ change: "gone", kind: "gone", id: "a", name: "a.json", from: "delivered", type: "x" }),
    ).toEqual({
      kind: "gone",
      name: "a.json",
      from: "delivered",
    });
  });

  it("a listing is the board's read of the file: grouped by fingerprint, the line without its clock", () => {
    expect(outcomeOfListing(listing("a.json", "pending"))).toEqual({
      kind: "event",
      summary: {
        fingerprint: "abc123",
        type: "server-error",
        at: Date.parse("2026-11-21T09:00:01.000Z"),
        line: "server-error create-user POST /users 500",
      },
    });
    expect(
      outcomeOfListing(listing("b.json", "rejected", { valid: false, fingerprint: null, problem: "not JSON" })),
    ).toEqual({ kind: "invalid", reason: "not JSON" });
  });

  it("a fresh listing after a reset turns into appeared, moved and gone against what was known", () => {
    const known = new Map<string, BusEntry>([
      ["a.json", remoteEntry("a.json", "a", "pending")],
      ["b.json", remoteEntry("b.json", "b", "pending")],
    ]);
    const changes = diffListing(known, [listing("a.json", "delivered"), listing("c.json", "pending")]);
    expect(changes.map((c) => [c.kind, c.kind === "gone" ? c.name : c.entry.name])).toEqual([
      ["moved", "a.json"],
      ["appeared", "c.json"],
      ["gone", "b.json"],
    ]);
    expect([...known.keys()].sort()).toEqual(["a.json", "c.json"]);
    expect(diffListing(known, [listing("a.json", "delivered"), listing("c.json", "pending")])).toEqual([]);
  });

  it("one event read whole becomes the detail popup's input", () => {
    const entry = remoteEntry("a.json", "a", "rejected");
    const detail = detailOfListing(entry, { ...listing("a.json", "rejected"), reason: "schema", event: { id: "a" } });
    expect(detail).toMatchObject({ entry, reason: "schema", event: { id: "a" } });
  });
});

describe("the conversation rebuilt from the session's messages", () => {
  it("gives the items the live events give: user, answer, tool call and its result, Spark's message", () => {
    const items = itemsOfMessages([
      { role: "user", content: [{ type: "text", text: "fix it" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Reading the file." },
          { type: "toolCall", id: "t1", name: "read", arguments: { path: "src/app.ts" } },
        ],
      },
      {
        role: "toolResult",
        toolCallId: "t1",
        toolName: "read",
        isError: false,
        content: [{ type: "text", text: "line 1" }],
      },
      { role: "custom", customType: "spark-events", content: "Spark: 1 event" },
      { role: "assistant", content: [{ type: "text", text: "Done" }], stopReason: "error", errorMessage: "boom" },
    ]);
    expect(items).toEqual([
      { kind: "user", text: "fix it" },
      { kind: "assistant", text: "Reading the file." },
      { kind: "tool-start", id: "t1", name: "read", summary: "src/app.ts" },
      { kind: "tool-end", id: "t1", name: "read", ok: true, summary: "line 1" },
      { kind: "spark", customType: "spark-events", text: "Spark: 1 event" },
      { kind: "assistant", text: "Done", error: "boom" },
    ]);
  });
});
