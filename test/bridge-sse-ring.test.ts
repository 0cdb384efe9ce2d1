import { describe, expect, it } from "vitest";
import { createEventRing, newBootTag, parseRingId } from "../sidecar/bridge/sse-ring.js";
import { createSseParser, formatSse, formatSseComment } from "../sidecar/bridge/sse-wire.js";

const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);

function ringWith(n: number, capacity = 1000) {
  const ring = createEventRing("boot1", capacity);
  for (let i = 1; i <= n; i++) ring.push("pi", `{"n":${i}}`);
  return ring;
}

describe("the event ring", () => {
  it("numbers events per boot: <bootTag>-<seq> from 1", () => {
    const ring = createEventRing("abc123");
    expect(ring.lastId()).toBe("abc123-0");
    expect(ring.push("pi", "{}").id).toBe("abc123-1");
    expect(ring.push("bus", "{}").id).toBe("abc123-2");
    expect(ring.lastSeq()).toBe(2);
  });

  it("a client with no id, or with the newest id, gets only live events", () => {
    const ring = ringWith(5);
    expect(ring.resume(undefined)).toEqual({ kind: "live" });
    expect(ring.resume("")).toEqual({ kind: "live" });
    expect(ring.resume("boot1-5")).toEqual({ kind: "live" });
  });

  it("replays exactly the events after the client's id, in order", () => {
    const ring = ringWith(5);
    const plan = ring.resume("boot1-3");
    expect(plan.kind).toBe("replay");
    if (plan.kind !== "replay") return;
    expect(seqs(plan.events)).toEqual([4, 5]);
    expect(plan.events.map((e) => e.data)).toEqual(['{"n":4}', '{"n":5}']);
    const all = ring.resume("boot1-0");
    expect(all.kind === "replay" && seqs(all.events)).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps the last 1,000 and replays 1,000 missed events whole", () => {
    const ring = ringWith(1500);
    expect(ring.size()).toBe(1000);
    const plan = ring.resume("boot1-500");
    expect(plan.kind).toBe("replay");
    if (plan.kind === "replay") expect(seqs(plan.events)).toEqual(Array.from({ length: 1000 }, (_, i) => 501 + i));
  });

  it("says gap, with the lost range, for an id older than the ring, then gives what remains", () => {
    const ring = ringWith(1500);
    const plan = ring.resume("boot1-200");
    expect(plan.kind).toBe("gap");
    if (plan.kind !== "gap") return;
    expect([plan.from, plan.to]).toEqual([201, 500]);
    expect(plan.events[0]?.seq).toBe(501);
    expect(plan.events.at(-1)?.seq).toBe(1500);
    expect(plan.events).toHaveLength(1000);
  });

  it("says reset for an id of another boot, a future id, or something that is not an id", () => {
    const ring = ringWith(3);
    expect(ring.resume("otherboot-2")).toMatchObject({ kind: "reset", reason: expect.stringContaining("restarted") });
    expect(ring.resume("boot1-9")).toMatchObject({ kind: "reset" });
    expect(ring.resume("<script>")).toMatchObject({
      kind: "reset",
      reason: expect.stringContaining("not an event id"),
    });
  });

  it("a small ring wraps around and still replays in order", () => {
    const ring = ringWith(7, 3);
    const plan = ring.resume("boot1-4");
    expect(plan.kind === "replay" && seqs(plan.events)).toEqual([5, 6, 7]);
    expect(ring.resume("boot1-3")).toMatchObject({ kind: "gap", from: 4, to: 4 });
  });

  it("parses ids and refuses bad boot tags", () => {
    expect(parseRingId("k3x9-42")).toEqual({ bootTag: "k3x9", seq: 42 });
    expect(parseRingId("a-b-1")).toBeUndefined();
    expect(parseRingId("abc-")).toBeUndefined();
    expect(() => createEventRing("has space")).toThrow(/boot tag/);
    expect(newBootTag(1_700_000_000_000, () => 0.5)).toMatch(/^[a-z0-9]+$/);
    expect(newBootTag(1, () => 0)).not.toBe(newBootTag(1, () => 0.99));
  });
});

describe("the SSE wire format", () => {
  it("frames id, event and multi-line data, and the parser gets them back across any chunking", () => {
    const wire =
      formatSse({ id: "b-1", event: "pi", data: '{"a":1}' }) +
      formatSseComment("hb") +
      formatSse({ event: "notice", data: "line one\nline two" }) +
      formatSse({ id: "b-2", data: "plain" });
    for (const size of [1, 2, 3, 7, wire.length]) {
      const parser = createSseParser();
      const got = [];
      for (let i = 0; i < wire.length; i += size) got.push(...parser.push(wire.slice(i, i + size)));
      expect(got).toEqual([
        { event: "pi", data: '{"a":1}', id: "b-1" },
        { event: "notice", data: "line one\nline two", id: undefined },
        { event: "message", data: "plain", id: "b-2" },
      ]);
      expect(parser.lastEventId()).toBe("b-2");
      expect(parser.comments()).toBe(1);
    }
  });

  it("reads CRLF and CR line ends, and a field with no space after the colon", () => {
    const parser = createSseParser();
    const got = parser.push("id:x-1\r\nevent:pi\r\ndata:1\r\n\r\ndata: 2\r\r\n");
    expect(got).toEqual([
      { event: "pi", data: "1", id: "x-1" },
      { event: "message", data: "2", id: undefined },
    ]);
  });

  it("never lets a newline in an id or event name break the framing", () => {
    const wire = formatSse({ id: "a\nb", event: "x\ny", data: "d" });
    expect(wire.split("\n").filter((l) => l !== "")).toHaveLength(3);
  });
});
