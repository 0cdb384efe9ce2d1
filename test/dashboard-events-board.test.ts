import { describe, expect, it } from "vitest";
import type { BusEntry } from "../bus/browse.js";
import type { BusChange } from "../bus/bus-diff.js";
import { createEventBoard, type EventSummary } from "../sidecar/dashboard/events-board.js";
import { eventRows, eventsSummary, groupBadge } from "../sidecar/dashboard/events-view.js";
import { plain, width } from "../sidecar/dashboard/text.js";
import { busEntry as entry } from "./helpers/events.js";

const T0 = 1_795_000_000_000;
let seq = 0;
const nameOf = (type = "server-error", ms = T0 + seq) =>
  `${ms}-${String(++seq).padStart(6, "0")}-${type}-42-${seq.toString(16).padStart(8, "0")}.json`;
const appeared = (...entries: BusEntry[]): BusChange[] => entries.map((e) => ({ kind: "appeared", entry: e }));
const summary = (fingerprint: string, at: number, line = `server-error ${fingerprint}`): EventSummary => ({
  fingerprint,
  type: "server-error",
  at,
  line,
});

describe("the events board", () => {
  it("counts every folder exactly from scan changes, before reading anything", () => {
    const board = createEventBoard();
    const a = entry(nameOf());
    const b = entry(nameOf());
    board.apply(appeared(a, b, entry(nameOf(), "delivered")));
    expect(board.totals()).toMatchObject({ pending: 2, delivered: 1, claimed: 0 });
    board.apply([{ kind: "moved", entry: { ...a, state: "claimed", consumer: "s1" }, from: "pending" }]);
    board.apply([{ kind: "gone", name: b.name, from: "pending" }]);
    expect(board.totals()).toMatchObject({ pending: 0, claimed: 1, delivered: 1 });
    expect(board.unread()).toBe(2);
  });

  it("counts the agents' join/leave notices apart, from their names: they wait for nobody", () => {
    const board = createEventBoard();
    const start = entry(nameOf("agent-start"));
    const stop = entry(nameOf("agent-stop"));
    board.apply(appeared(entry(nameOf()), start, stop));
    expect(board.totals().pending).toBe(3);
    expect(board.notices().pending).toBe(2);
    expect(eventsSummary(board.totals(), true, board.notices().pending)).toBe("1 held · 2 notices");
    board.apply([{ kind: "moved", entry: { ...start, state: "delivered" }, from: "pending" }]);
    board.apply([{ kind: "gone", name: stop.name, from: "pending" }]);
    expect(board.notices()).toMatchObject({ pending: 0, delivered: 1 });
    expect(groupBadge({ type: "agent-start", states: { ...board.totals(), pending: 1, claimed: 0 } }, true).text).toBe(
      "notice",
    );
  });

  it("reads newest first and groups by fingerprint; moves and deletions follow the group", () => {
    const board = createEventBoard();
    const [e1, e2, e3] = [entry(nameOf()), entry(nameOf()), entry(nameOf())] as [BusEntry, BusEntry, BusEntry];
    board.apply(appeared(e1, e2, e3));
    const batch = board.nextToRead(10);
    expect(batch.map((e) => e.name)).toEqual([e3.name, e2.name, e1.name]);
    board.record(e3, { kind: "event", summary: summary("fp-a", T0 + 3, "newest a") });
    board.record(e2, { kind: "event", summary: summary("fp-b", T0 + 2) });
    board.record(e1, { kind: "event", summary: summary("fp-a", T0 + 1, "oldest a") });
    const [a, b] = board.groups();
    expect(a).toMatchObject({ key: "fp-a", count: 2, line: "newest a", firstAt: T0 + 1, lastAt: T0 + 3 });
    expect(a?.example.name).toBe(e3.name);
    expect(b).toMatchObject({ key: "fp-b", count: 1 });

    board.apply([{ kind: "moved", entry: { ...e3, state: "delivered", path: "/bus/delivered/x" }, from: "pending" }]);
    expect(board.group("fp-a")?.states).toMatchObject({ pending: 1, delivered: 1 });
    expect(board.group("fp-a")?.example.path).toBe("/bus/delivered/x");
    board.apply([{ kind: "gone", name: e2.name, from: "pending" }]);
    expect(board.group("fp-b")).toBeUndefined();
    expect(board.ungrouped()).toBe(0);
  });

  it("reads a file that moved away again once a scan says where it went, then gives up", () => {
    const board = createEventBoard({ maxGroups: 10, maxUnread: 10, maxAttempts: 2 });
    const e = entry(nameOf());
    board.apply(appeared(e));
    board.record(board.nextToRead(1)[0] as BusEntry, { kind: "missing" });
    // Not read again at the same place: it waits for the scan.
    expect(board.nextToRead(1)).toEqual([]);
    expect(board.unread()).toBe(1);
    const claimed = { ...e, state: "claimed" as const, path: "/bus/claimed/s1/x", consumer: "s1" };
    board.apply([{ kind: "moved", entry: claimed, from: "pending" }]);
    const again = board.nextToRead(1);
    expect(again[0]?.path).toBe("/bus/claimed/s1/x");
    board.record(again[0] as BusEntry, { kind: "missing" });
    expect(board.unread()).toBe(0);
    expect(board.ungrouped()).toBe(1);
  });

  it("groups rejected files without reading them, and unreadable ones by type", () => {
    const board = createEventBoard();
    board.apply(appeared(entry(nameOf("server-error"), "rejected")));
    const bad = entry(nameOf("process-error"));
    board.apply(appeared(bad));
    board.record(board.nextToRead(1)[0] as BusEntry, { kind: "invalid", reason: "invalid JSON" });
    expect(
      board
        .groups()
        .map((g) => g.key)
        .sort(),
    ).toEqual(["invalid:process-error", "rejected:server-error"]);
    expect(board.group("invalid:process-error")?.line).toContain("invalid JSON");
  });

  it("under a storm keeps memory and reading bounded: the oldest unread are counted, not grouped", () => {
    const board = createEventBoard({ maxGroups: 5, maxUnread: 100, maxAttempts: 3 });
    const storm = Array.from({ length: 10_000 }, () => entry(nameOf("server-error", T0 + seq)));
    for (let i = 0; i < storm.length; i += 500) board.apply(appeared(...storm.slice(i, i + 500)));
    expect(board.totals().pending).toBe(10_000);
    expect(board.unread()).toBe(100);
    const read = board.nextToRead(1000);
    expect(read).toHaveLength(100);
    expect(read[0]?.name).toBe(storm.at(-1)?.name);
    read.forEach((e, i) => {
      board.record(e, { kind: "event", summary: summary(`fp-${i % 8}`, T0 + i) });
    });
    expect(board.groups()).toHaveLength(5);
    expect(board.ungrouped() + board.groups().reduce((n, g) => n + g.count, 0)).toBe(10_000);
  });
});

describe("the events pane", () => {
  it("labels a group by its most pressing event and sums the folders", () => {
    const states = { pending: 0, claimed: 0, delivered: 0, rejected: 0, expired: 0 };
    expect(groupBadge({ states: { ...states, pending: 1, delivered: 3 } }, true).text).toBe("held");
    expect(groupBadge({ states: { ...states, pending: 1 } }, false).text).toBe("pending");
    expect(groupBadge({ states: { ...states, claimed: 1, pending: 1 } }, true).text).toBe("claimed");
    expect(groupBadge({ states: { ...states, expired: 2 } }, false).text).toBe("expired");
    expect(eventsSummary({ ...states, pending: 1234, delivered: 5 }, true)).toBe("1,234 held · 5 delivered");
    expect(eventsSummary(states, false)).toBe("0 pending");
  });

  it("draws rows of the exact width, newest first, the selection highlighted, and what is not grouped", () => {
    const board = createEventBoard({ maxGroups: 2, maxUnread: 10, maxAttempts: 3 });
    const es = [entry(nameOf()), entry(nameOf()), entry(nameOf())];
    board.apply(appeared(...es));
    for (const [i, e] of board.nextToRead(10).entries()) {
      board.record(e, {
        kind: "event",
        summary: summary(`fp-${i}`, T0 + 10 - i, `server-error POST /users 500 boom ${i}`),
      });
    }
    const rows = eventRows(board, true, "fp-1", true, 60, 5, T0 + 12_000);
    expect(rows.map(plain)).toEqual([
      expect.stringMatching(/^held\s+server-error POST \/users 500 boom 0\s+12s$/),
      expect.stringMatching(/^held\s+server-error POST \/users 500 boom 1\s+12s$/),
      "… 1 more not grouped (too many at once)",
    ]);
    expect(rows[1]?.every((r) => r.style?.includes("inverse"))).toBe(true);
    for (const r of rows.slice(0, 2)) expect(width(r)).toBe(60);
    expect(plain(eventRows(createEventBoard(), false, undefined, false, 40, 3, T0)[0] ?? [])).toContain(
      "No events yet",
    );
  });
});
