import { describe, expect, it } from "vitest";
import { buildEvent } from "../bus/build-event.js";
import { passesQuickCheck, QUICK_CHECK_SHAPES } from "../bus/event-quick-check.js";
import { eventSchema } from "../bus/event-schema.js";
import { parseEventBytes } from "../bus/read-event.js";

const ctx = { environment: "development", host: "box", pid: 123, app: "hello-app", now: Date.UTC(2026, 10, 21, 12) };

/** Events as the emitter, `manifest run` and the bridge write them, read back from JSON. */
const written = [
  buildEvent({ type: "server-error", route: "POST /orders", status: 500, error: new TypeError("boom") }, ctx),
  buildEvent({ type: "unhandled-error", feature: "billing", error: "plain string" }, ctx),
  buildEvent(
    {
      type: "process-error",
      error: { message: "npm test exited", code: "ERR_RUN" },
      command: "npm test",
      exitCode: null,
      signal: "SIGKILL",
      logFile: ".spark/runs/x.log",
      tail: "line\n",
      runId: "r-1",
    },
    ctx,
  ),
  buildEvent(
    { type: "process-error", error: "make: exit 2", command: "make", exitCode: 2, signal: null, tail: "" },
    ctx,
  ),
  buildEvent({ type: "server-error", error: "e", request: { input: { email: "a@b.c", list: [1, 2] } } }, ctx),
  buildEvent({ type: "notification" }, ctx),
  buildEvent({ type: "agent-start" }, ctx),
].map(({ event, json }) => ({ id: event.id, ...JSON.parse(json) }) as Record<string, unknown>);

/** Values of every kind, and near misses of the formats the schema checks. */
const oddValues: unknown[] = [
  null,
  "",
  "x",
  "Server-Error",
  "a".repeat(64),
  "a".repeat(65),
  "server-error",
  "-starts-with-dash",
  0,
  1,
  2,
  -1,
  1.5,
  1e308,
  true,
  false,
  [],
  ["x"],
  {},
  { message: "m" },
  { message: "m", code: 7, stack: "s", name: "n", extra: { deep: true } },
  { message: "m", code: true },
  { message: 1 },
  { host: "h", pid: 1 },
  { host: "h", pid: "1" },
  { host: "h", pid: 1, app: 2 },
  { input: "anything" },
  JSON.parse('{"message":"m","host":"h","pid":1,"__proto__":{"polluted":1}}'),
  "2026-11-21T12:00:00.000Z",
  "2026-11-21T12:00:00Z",
  "2026-11-21T12:00:00+01:00",
  "2026-11-21T12:00:00",
  "2026-11-21t12:00:00z",
  "2026-02-29T00:00:00Z",
  "2024-02-29T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-11-21T24:00:00Z",
  "2026-11-21 12:00:00Z",
];

/** Every written event with one field (or one field of a nested object) changed or removed. */
function variants(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [...written];
  for (const base of written) {
    for (const key of [...Object.keys(QUICK_CHECK_SHAPES.event.fields), "unknownExtra"]) {
      const { [key]: _removed, ...without } = base;
      out.push(without);
      for (const value of oddValues) out.push({ ...base, [key]: value });
    }
    for (const nested of ["error", "source", "request"] as const) {
      const inner = (base[nested] ?? {}) as Record<string, unknown>;
      for (const key of ["message", "stack", "name", "code", "host", "pid", "app", "input"]) {
        for (const value of oddValues) out.push({ ...base, [nested]: { ...inner, [key]: value } });
      }
    }
    out.push(JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(base).slice(1)}`));
  }
  return out;
}

describe("the quick event check", () => {
  it("knows every field of the schema, nested ones too, so a new field cannot slip past it", () => {
    const keys = (shape: object) => Object.keys(shape).sort();
    expect(keys(QUICK_CHECK_SHAPES.event.fields)).toEqual(keys(eventSchema.shape));
    for (const nested of ["source", "error", "request"] as const) {
      // Each is z.optional(z.looseObject(…)) in the schema.
      const inner = (eventSchema.shape[nested] as unknown as { _zod: { def: { innerType: { shape: object } } } })._zod
        .def.innerType.shape;
      expect(keys(QUICK_CHECK_SHAPES[nested].fields), nested).toEqual(keys(inner));
    }
  });

  it("accepts the events Spark itself writes, so readers really skip zod for them", () => {
    for (const event of written) expect(passesQuickCheck(event), JSON.stringify(event)).toBe(true);
  });

  it("never accepts what the schema refuses, and then zod would return an equal event", () => {
    const all = variants();
    let accepted = 0;
    let refusedBoth = 0;
    for (const candidate of all) {
      const parsed = eventSchema.safeParse(candidate);
      if (passesQuickCheck(candidate)) {
        accepted++;
        expect(parsed.success, JSON.stringify(candidate).slice(0, 400)).toBe(true);
        expect(parsed.data).toEqual(candidate);
      } else if (!parsed.success) refusedBoth++;
    }
    // The corpus has both sides in numbers, or this test would prove nothing.
    expect(accepted).toBeGreaterThan(500);
    expect(refusedBoth).toBeGreaterThan(500);
  });

  it("leaves a refused event to zod, which says which field is wrong", () => {
    const first = written[0] as Record<string, unknown>;
    const bytes = Buffer.from(JSON.stringify({ ...first, id: undefined, status: "500" }));
    const read = parseEventBytes(bytes, first.id as string);
    expect(read).toEqual({ ok: false, reason: expect.stringContaining("status") });
  });

  it("reads an event the quick way and the zod way to the same value", () => {
    for (const event of written) {
      const { id, ...body } = event;
      const read = parseEventBytes(Buffer.from(JSON.stringify(body)), id as string);
      expect(read.ok && read.event).toEqual(eventSchema.parse(event));
    }
  });
});
