import { describe, expect, it } from "vitest";
import { buildEvent } from "../bus/build-event.js";
import { parseEventBytes } from "../bus/read-event.js";

const ctx = { environment: "test", host: "h", pid: 1 };
const bytes = (text: string) => Buffer.from(text);

describe("reading an event body", () => {
  it("says where broken JSON fails without quoting it (the bytes around the error can be a secret)", () => {
    const read = parseEventBytes(bytes('{"type":"x","password": hunter2sec}'), "stem");
    expect(read.ok).toBe(false);
    const reason = read.ok === false && !read.missing ? read.reason : "";
    expect(reason).toMatch(/^invalid JSON/);
    expect(reason).not.toContain("hunter2sec");
  });

  it("accepts what a writer wrote", () => {
    const { event, json } = buildEvent({ type: "server-error", error: new Error("x") }, ctx);
    const read = parseEventBytes(bytes(json), event.id);
    expect(read).toEqual({ ok: true, event: JSON.parse(json) });
  });

  it("takes the id from the file name when the body has none, and keeps unknown fields", () => {
    const read = parseEventBytes(bytes('{"type":"deploy-done","timestamp":"2026-11-21T10:00:00Z","who":"ci"}'), "x1");
    expect(read).toMatchObject({ ok: true, event: { id: "x1", type: "deploy-done", who: "ci" } });
  });

  it.each([
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/],
    ["invalid JSON", bytes('{"type": '), /invalid JSON/],
    ["an array", bytes("[1,2]"), /JSON object, got an array/],
    ["null", bytes("null"), /got null/],
    ["a number", bytes("42"), /got number/],
    ["a bad type", bytes('{"type":"Bad Type","timestamp":"2026-11-21T10:00:00Z"}'), /`type`/],
    ["no timestamp", bytes('{"type":"x"}'), /`timestamp`/],
    ["an error event without error", bytes('{"type":"server-error","timestamp":"2026-11-21T10:00:00Z"}'), /`error`/],
    [
      "an id that is not the file name",
      bytes('{"id":"other","type":"x","timestamp":"2026-11-21T10:00:00Z"}'),
      /does not match/,
    ],
  ])("rejects %s with a reason", (_what, body, reason) => {
    const read = parseEventBytes(body, "stem");
    expect(read.ok).toBe(false);
    expect(read.ok === false && !read.missing && read.reason).toMatch(reason);
  });
});
