import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { BusEntry } from "../bus/browse.js";
import type { SparkEvent } from "../bus/event-schema.js";
import { formatEventDetail } from "../bus/format/detail.js";
import { isYes } from "../cli/_confirm.js";
import { CliError } from "../cli/_errors.js";
import { parseCount, parseDuration, parseStates, parseType } from "../cli/_event-args.js";
import { findEntry } from "../cli/_event-find.js";
import { eventRow, formatEventsTable } from "../cli/_event-rows.js";
import { formatTailRecord } from "../cli/_event-style.js";
import { createOutput } from "../cli/_output.js";
import { makeEvent, serverError } from "./helpers/events.js";

const plain = createOutput(false, { isTTY: false } as NodeJS.WriteStream).style;
const coloured = {
  bold: (t: string) => `\u001b[1m${t}\u001b[22m`,
  dim: (t: string) => `\u001b[2m${t}\u001b[22m`,
  green: (t: string) => `\u001b[32m${t}\u001b[39m`,
  yellow: (t: string) => `\u001b[33m${t}\u001b[39m`,
  red: (t: string) => `\u001b[31m${t}\u001b[39m`,
  cyan: (t: string) => `\u001b[36m${t}\u001b[39m`,
};
const entryOf = (event: SparkEvent, state: BusEntry["state"] = "pending"): BusEntry => ({
  name: `${event.id}.json`,
  id: event.id,
  state,
  path: `/p/.spark/events/${event.id}.json`,
});

/** The usage error a call throws. */
function thrown(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

describe("event command arguments", () => {
  it("parses states: one, a comma list in folder order, all, or the fallback", () => {
    expect(parseStates(undefined, ["rejected"])).toEqual(["rejected"]);
    expect(parseStates("expired,pending", [])).toEqual(["pending", "expired"]);
    expect(parseStates("all", [])).toEqual(["pending", "claimed", "delivered", "rejected", "expired"]);
    const error = thrown(() => parseStates("rejectd", []));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('"rejectd"');
    expect(error.next).toContain("pending, claimed, delivered, rejected, expired");
  });

  it("parses counts, types and durations, refusing nonsense with exit 2", () => {
    expect(parseCount(undefined, "limit", 50)).toBe(50);
    expect(parseCount("7", "limit", 50)).toBe(7);
    expect(thrown(() => parseCount("0", "limit", 50)).exitCode).toBe(2);
    expect(thrown(() => parseCount("x", "limit", 50)).message).toContain("--limit");
    expect(parseType("server-error")).toBe("server-error");
    expect(parseType(undefined)).toBeUndefined();
    expect(thrown(() => parseType("Server Error")).exitCode).toBe(2);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
    expect(thrown(() => parseDuration("7 days")).message).toContain("30m, 12h or 7d");
  });

  it("takes y and yes (any case) as yes, anything else as no", () => {
    for (const yes of ["y", "Y", "yes", " YES "]) expect(isYes(yes)).toBe(true);
    for (const no of ["", "n", "no", "yess", "ok"]) expect(isYes(no)).toBe(false);
  });
});

describe("findEntry", () => {
  const a = entryOf(makeEvent({ type: "notification", message: "a" }), "rejected");
  const b = entryOf(makeEvent({ type: "notification", message: "b" }), "delivered");

  it("finds one entry by a unique part, preferring the given states", () => {
    expect(findEntry([a, b], a.id.slice(-8))).toBe(a);
    expect(findEntry([a, b, { ...a }], a.id)).toEqual(a);
    expect(findEntry([a, b], "1", ["rejected"])).toBe(a);
  });

  it("lists the candidates when the query is ambiguous, and exits 2 when nothing matches", () => {
    const ambiguous = thrown(() => findEntry([a, b], a.id.slice(0, 4)));
    expect(ambiguous).toMatchObject({ code: "E_AMBIGUOUS", exitCode: 2 });
    expect(ambiguous.message).toContain(`${a.id} (rejected)`);
    expect(ambiguous.message).toContain(`${b.id} (delivered)`);
    expect(thrown(() => findEntry([a, b], "nope"))).toMatchObject({ code: "E_NOT_FOUND", exitCode: 2 });
  });
});

describe("event rows and the events table", () => {
  it("gives every row the same keys, and a rejected file that is not JSON its type and time from its name", () => {
    const event = serverError();
    const row = eventRow(entryOf(event), { ok: true, event }, undefined, undefined);
    expect(row).toMatchObject({ type: "server-error", feature: "create-user", status: 500, valid: true, reason: null });
    expect(row.message).toBe("TypeError: Cannot read properties of undefined (reading 'name')");
    const broken = eventRow(entryOf(event, "rejected"), { ok: false, reason: "invalid JSON" }, "invalid JSON", 1000);
    expect(broken).toMatchObject({ type: "server-error", timestamp: "1970-01-01T00:00:01.000Z", valid: false });
    expect(broken).toMatchObject({ reason: "invalid JSON", problem: "invalid JSON", message: null });
    expect(Object.keys(broken)).toEqual(Object.keys(row));
  });

  it("lines columns up whatever the colours, and clips long messages to the width", () => {
    const long = makeEvent({ type: "server-error", feature: "f", error: new Error("x".repeat(300)) });
    const rows = [
      eventRow(entryOf(serverError()), { ok: true, event: serverError() }, undefined, undefined),
      eventRow(entryOf(long, "rejected"), { ok: false, reason: "schema: bad" }, "schema: bad", undefined),
    ];
    const lines = formatEventsTable(rows, coloured, 120).map(stripVTControlCharacters);
    expect(lines).toEqual(formatEventsTable(rows, plain, 120));
    expect(lines[0]).toMatch(/^TIME\s+STATE\s+TYPE\s+WHERE\s+MESSAGE\s+ID$/);
    const idColumn = lines[0]?.indexOf("ID");
    for (const line of lines.slice(1)) expect(line.length).toBeLessThanOrEqual(120);
    expect(lines[2]).toContain("✖ schema: bad");
    expect(lines[1]?.slice(idColumn)).toBe(rows[0]?.id.slice(-8));
  });
});

describe("tail lines", () => {
  it("ends an event line with its short id and tags states other than pending", () => {
    const event = serverError();
    const line = formatTailRecord({ kind: "event", state: "pending", event }, plain);
    expect(line).toMatch(/^\d\d:\d\d:\d\d server-error create-user POST \/users 500 TypeError: Cannot read/);
    expect(line.endsWith(` ${event.id.slice(-8)}`)).toBe(true);
    expect(formatTailRecord({ kind: "event", state: "expired", event }, plain)).toMatch(/\[expired\]$/);
    const note = makeEvent({ type: "notification", message: "deploy done" });
    expect(formatTailRecord({ kind: "event", state: "pending", event: note }, plain)).toContain(
      "notification deploy done",
    );
  });

  it("says where an event moved, and why a file was rejected", () => {
    const base = { id: "1795000000000-000001-server-error-1-abcd1234", name: "x.json", type: "server-error" };
    expect(formatTailRecord({ kind: "moved", ...base, from: "claimed", to: "delivered", consumer: null }, plain)).toBe(
      "  → delivered  server-error abcd1234",
    );
    expect(formatTailRecord({ kind: "moved", ...base, from: "pending", to: "claimed", consumer: "c1" }, plain)).toBe(
      "  → claimed by c1  server-error abcd1234",
    );
    expect(formatTailRecord({ kind: "moved", ...base, from: "claimed", to: "pending", consumer: null }, plain)).toBe(
      "  ↺ back to pending  server-error abcd1234",
    );
    expect(formatTailRecord({ kind: "rejected", ...base, reason: "invalid JSON:\n x", from: "pending" }, plain)).toBe(
      "  ✖ rejected: invalid JSON: x  x.json",
    );
  });

  it("colours by type only when asked to", () => {
    const line = formatTailRecord({ kind: "event", state: "pending", event: serverError() }, coloured);
    expect(line.startsWith("\u001b[31m")).toBe(true);
    expect(formatTailRecord({ kind: "event", state: "pending", event: serverError() }, plain)).not.toContain("\u001b[");
  });
});

describe("formatEventDetail", () => {
  it("shows the facts, the stack, the redacted input and any other field", () => {
    const event = { ...serverError(), deployment: "blue" };
    const text = formatEventDetail(
      { entry: entryOf(event), event, problem: undefined, reason: undefined, raw: undefined },
      plain,
    ).join("\n");
    expect(text).toContain("a 500 in create-user  pending");
    expect(text).toMatch(/route\s+POST \/users/);
    expect(text).toContain("Stack:\n  TypeError: Cannot read");
    expect(text).toContain('"password": "[REDACTED]"');
    expect(text).toContain('Other fields:\n  {\n    "deployment": "blue"\n  }');
  });

  it("shows why a file is not an event, and its text", () => {
    const event = serverError();
    const text = formatEventDetail(
      {
        entry: entryOf(event, "rejected"),
        event: undefined,
        problem: "invalid JSON: x",
        reason: "invalid JSON: x",
        raw: "{oops",
      },
      plain,
    ).join("\n");
    expect(text).toContain("a file that is not a valid event  rejected");
    expect(text).toMatch(/rejected\s+invalid JSON: x/);
    expect(text).not.toMatch(/problem/);
    expect(text).toContain("File content:\n  {oops");
  });
});
