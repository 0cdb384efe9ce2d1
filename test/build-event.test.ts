import { describe, expect, it } from "vitest";
import { buildEvent, type EventInput, normalizeError } from "../bus/build-event.js";
import { eventSchema } from "../bus/event-schema.js";
import { LIMITS } from "../bus/limits.js";

const ctx = { environment: "development", host: "box", pid: 123, app: "hello-app", now: Date.UTC(2026, 10, 21, 12) };

describe("building an event", () => {
  it("fills in id, timestamp, environment, source and fingerprint, and passes the schema", () => {
    const { event, json } = buildEvent(
      { type: "server-error", feature: "create-user", error: new TypeError("boom") },
      ctx,
    );
    expect(event.id).toMatch(/^\d{13}-\d{6}-server-error-123-[0-9a-f]{8}$/);
    expect(event.timestamp).toBe("2026-11-21T12:00:00.000Z");
    expect(event.environment).toBe("development");
    expect(event.source).toEqual({ host: "box", pid: 123, app: "hello-app" });
    expect(event.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(event.error).toMatchObject({ name: "TypeError", message: "boom" });
    expect(eventSchema.safeParse(JSON.parse(json)).success).toBe(true);
  });

  it("bounds and redacts a trace id (it often comes from a client header)", () => {
    const long = buildEvent({ type: "server-error", traceId: "x".repeat(10_000), error: "e" }, ctx).event.traceId;
    expect(long?.length).toBeLessThanOrEqual(200);
    const secret = buildEvent({ type: "server-error", traceId: "Bearer abcdefghijklmnopqrstuvwxyz", error: "e" }, ctx);
    expect(secret.event.traceId).not.toContain("abcdefghijklmnop");
  });

  it("reuses the given trace id, and makes one when there is none", () => {
    expect(buildEvent({ type: "server-error", traceId: "req-1", error: "x" }, ctx).event.traceId).toBe("req-1");
    expect(buildEvent({ type: "notification" }, ctx).event.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("redacts request input by key and every string by value before writing", () => {
    const { json } = buildEvent(
      {
        type: "server-error",
        error: new Error("login failed for Bearer abcdefghijklmnop"),
        request: { input: { email: "a@b.c", password: "hunter2", nested: [{ token: "t0ps3cret" }] } },
        route: "POST /login?apikey=zzzsecretzzz",
      },
      ctx,
    );
    for (const secret of ["hunter2", "t0ps3cret", "abcdefghijklmnop", "zzzsecretzzz"])
      expect(json).not.toContain(secret);
    expect(json).toContain("a@b.c");
  });

  it("applies the size limits: stack, tail, input and the whole file", () => {
    const error = new Error("big");
    error.stack = `Error: big\n${"    at frame (file.js:1:1)\n".repeat(5000)}`;
    const { event, json } = buildEvent(
      {
        type: "process-error",
        command: "npm test",
        exitCode: 1,
        error,
        tail: Array.from({ length: 500 }, (_, i) => `output line ${i}`).join("\n"),
        request: { input: { blob: "z".repeat(50_000) } },
        extra: "e".repeat(200_000),
      },
      ctx,
    );
    expect(Buffer.byteLength(event.error?.stack ?? "")).toBeLessThanOrEqual(LIMITS.stackBytes);
    expect(event.tail?.split("\n")).toHaveLength(50);
    expect(event.tail?.split("\n").at(-1)).toBe("output line 499");
    expect(Buffer.byteLength(JSON.stringify(event.request?.input))).toBeLessThanOrEqual(LIMITS.inputBytes);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(LIMITS.fileBytes);
    expect(eventSchema.safeParse(JSON.parse(json)).success).toBe(true);
  });

  it("keeps a file within 64 KiB even when every field is huge", () => {
    const input: EventInput = { type: "notification" };
    for (let i = 0; i < 40; i++) input[`field${i}`] = "q".repeat(8000);
    const { json } = buildEvent(input, ctx);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(LIMITS.fileBytes);
    expect(JSON.parse(json).type).toBe("notification");
  });
});

describe("normalising what was thrown", () => {
  it("handles errors, strings, objects and nothing", () => {
    expect(normalizeError(new RangeError("r"))).toMatchObject({ name: "RangeError", message: "r" });
    expect(normalizeError("plain")).toEqual({ message: "plain" });
    expect(normalizeError({ message: "m", code: "E1" })).toEqual({ message: "m", code: "E1" });
    expect(normalizeError(undefined)).toBeUndefined();
    expect(normalizeError(Object.assign(new Error("with code"), { code: 42 }))?.code).toBe(42);
  });
});
