import { describe, expect, it } from "vitest";
import { idFromFileName, newEventId, parseEventId, timeFromFileName } from "../bus/event-name.js";

describe("event names", () => {
  it("follow <13-digit ms>-<6-digit counter>-<type>-<pid>-<8 hex>", () => {
    const id = newEventId("server-error", 1_700_000_000_123, 4242);
    expect(id).toMatch(/^1700000000123-\d{6}-server-error-4242-[0-9a-f]{8}$/);
    expect(parseEventId(id)).toMatchObject({ ms: 1_700_000_000_123, type: "server-error", pid: 4242 });
  });

  it("never collide within one millisecond in one process", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newEventId("x", 1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it("sort in arrival order within one process, across milliseconds too", () => {
    const ids = [newEventId("a", 1000), newEventId("a", 1000), newEventId("a", 1001), newEventId("a", 1001)];
    expect([...ids].sort()).toEqual(ids);
  });

  it("reject a type that is not lower-case kebab-case", () => {
    expect(() => newEventId("Server_Error")).toThrow(/kebab-case/);
    expect(() => newEventId("")).toThrow();
  });

  it("parse back types that contain dashes and digits", () => {
    const id = newEventId("build-2-failed", 1_700_000_000_000, 7);
    expect(parseEventId(id)?.type).toBe("build-2-failed");
  });

  it("leave foreign names unparsed", () => {
    expect(parseEventId("my-event")).toBeUndefined();
    expect(idFromFileName("notes.txt")).toBeUndefined();
    expect(idFromFileName("x.json")).toBe("x");
    expect(timeFromFileName("x.json")).toBeUndefined();
    expect(timeFromFileName(`${newEventId("a", 1234)}.json`)).toBe(1234);
  });
});
