import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listEntries } from "../bus/browse.js";
import { attemptsOf, recordFailedDelivery } from "../bus/delivery-attempts.js";
import { emitEvent } from "../bus/emit.js";
import { ackClaimed, claimBatch, listClaimed, listPending } from "../bus/queue.js";
import { requeueEntry } from "../bus/requeue.js";
import { deliveryKey } from "../pi-extensions/spark/delivered-ids.js";
import { attemptsNote, withAttemptsNote } from "../pi-extensions/spark/failed-delivery.js";
import { runOutcome } from "../pi-extensions/spark/run-outcome.js";
import { tempProject } from "./helpers/temp-project.js";

const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };

describe("what a run came to", () => {
  it("an error as the last word before any answer is a failure; an answer, or an abort, is not", () => {
    const error = { role: "assistant", stopReason: "error", errorMessage: "Connection error." };
    expect(runOutcome([{ role: "custom" }, error])).toEqual({ answered: false, error: "Connection error." });
    expect(runOutcome([{ role: "assistant", stopReason: "toolUse" }, error])).toEqual({
      answered: true,
      error: "Connection error.",
    });
    expect(runOutcome([{ role: "assistant", stopReason: "aborted" }])).toEqual({ answered: true, error: undefined });
    expect(runOutcome([{ role: "assistant", stopReason: "stop" }])).toEqual({ answered: true, error: undefined });
    expect(runOutcome([{ role: "assistant", stopReason: "error" }]).error).toBe("the model call failed");
  });
});

describe("a failed delivery on the bus", () => {
  it("puts the events back with the attempt noted (the error redacted), and rejects them at the cap with the reason", () => {
    const { paths } = tempProject();
    const event = emitEvent(paths, { type: "server-error", error: { message: "boom" } }, writer);
    const name = `${event.id}.json`;
    const error = "401 invalid key sk-live-abcdefghijklmnopqrstuvwx";
    claimBatch(paths, "sidecar-a");
    expect(recordFailedDelivery(paths, "sidecar-a", [name], { error, maxAttempts: 2 })).toEqual({
      released: [name],
      rejected: [],
      attempt: 1,
    });
    expect(listPending(paths)).toContain(name);
    expect(listClaimed(paths, "sidecar-a")).toEqual([]);
    const back = JSON.parse(readFileSync(join(paths.events, name), "utf8")) as Record<string, unknown>;
    expect(attemptsOf(back)).toMatchObject({ attempts: 1 });
    expect(JSON.stringify(back)).not.toContain("sk-live");

    claimBatch(paths, "sidecar-b");
    expect(recordFailedDelivery(paths, "sidecar-b", [name], { error: "Connection error.", maxAttempts: 2 })).toEqual({
      released: [],
      rejected: [name],
      attempt: 2,
    });
    const reason = JSON.parse(readFileSync(join(paths.rejected, `${name}.reason.json`), "utf8")) as { reason: string };
    expect(reason.reason).toContain("delivery failed 2 times");
    expect(reason.reason).toContain("last: Connection error.");
  });

  it("a requeue (from rejected/ or delivered/) starts the attempts afresh and is stamped, so it is sent again", () => {
    const { paths } = tempProject();
    const event = emitEvent(paths, { type: "server-error", error: { message: "boom" } }, writer);
    const name = `${event.id}.json`;
    claimBatch(paths, "c");
    recordFailedDelivery(paths, "c", [name], { error: "down", maxAttempts: 1 });
    const rejected = listEntries(paths).find((e) => e.state === "rejected" && e.name === name);
    if (!rejected) throw new Error("not rejected");
    expect(requeueEntry(paths, rejected, {}, Date.parse("2025-01-01T00:00:00Z"))).toEqual({ ok: true, name });
    const fresh = JSON.parse(readFileSync(join(paths.events, name), "utf8")) as Record<string, unknown>;
    expect(fresh.delivery).toBeUndefined();
    expect(fresh.requeued).toEqual({ at: "2025-01-01T00:00:00.000Z", from: "rejected" });
    expect(existsSync(join(paths.rejected, `${name}.reason.json`))).toBe(false);

    claimBatch(paths, "c");
    ackClaimed(paths, "c", [name]);
    const delivered = listEntries(paths).find((e) => e.state === "delivered" && e.name === name);
    if (!delivered) throw new Error("not delivered");
    expect(requeueEntry(paths, delivered, {}, Date.parse("2025-01-02T00:00:00Z"))).toEqual({ ok: true, name });
    expect(existsSync(join(paths.delivered, name))).toBe(false);
    const again = JSON.parse(readFileSync(join(paths.events, name), "utf8")) as { id: string; requeued: unknown };
    expect(again.requeued).toEqual({ at: "2025-01-02T00:00:00.000Z", from: "delivered" });
    expect(deliveryKey(again)).not.toBe(event.id);
  });
});

describe("the delivery key and the note for the agent", () => {
  it("tells a crash's redelivery (same key) from a failed attempt's or a requeue's (new key)", () => {
    expect(deliveryKey({ id: "e1" })).toBe("e1");
    expect(deliveryKey({ id: "e1", delivery: { attempts: 2 } })).toBe("e1#2");
    expect(deliveryKey({ id: "e1", requeued: { at: "T" } })).toBe("e1@T");
  });

  it("notes earlier failed attempts after the heading, and nothing when there were none", () => {
    const base = { id: "x", type: "server-error", timestamp: "2025-01-01T00:00:00Z" };
    expect(attemptsNote([base])).toBeUndefined();
    const tried = { ...base, delivery: { attempts: 2, lastError: "Connection error.", lastAttemptAt: "T" } };
    const note = attemptsNote([base, tried]);
    expect(note).toBe(
      "> 1 event of this batch was handed over before, and the runs ended in an error before an answer (2 failed attempts; last: Connection error.). Check for half-done work before you start.",
    );
    expect(withAttemptsNote("# ⚡ Spark: 2 events\n\nintro", note)).toBe(`# ⚡ Spark: 2 events\n\n${note}\n\nintro`);
  });
});
