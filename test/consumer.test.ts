import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildEvent, type EventInput } from "../bus/build-event.js";
import { type Batch, type Consumer, type DeliveryOutcome, startConsumer } from "../bus/consumer.js";
import type { HoldState } from "../bus/effective-pause.js";
import type { BusPaths } from "../bus/paths.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { writeEvent } from "../bus/write-event.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const running: Consumer[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

function emit(paths: BusPaths, input: EventInput): string {
  const built = buildEvent(input, { environment: "test", host: "h", pid: process.pid });
  writeEvent(paths, built);
  return built.event.id;
}

function consume(
  paths: BusPaths,
  options: { hold?: () => HoldState; outcome?: () => DeliveryOutcome; maxEvents?: number; debounceMs?: number } = {},
) {
  const batches: Batch[] = [];
  const errors: unknown[] = [];
  const rejected: string[] = [];
  const consumer = startConsumer({
    paths,
    consumerId: "sidecar-test",
    debounceMs: options.debounceMs ?? 30,
    backstopMs: 200,
    maxEvents: options.maxEvents,
    hold: options.hold ?? (() => ({ held: false })),
    deliver: (batch) => {
      batches.push(batch);
      return options.outcome?.() ?? "ack";
    },
    onError: (e) => errors.push(e),
    onRejected: (files) => rejected.push(...files.map((f) => f.name)),
  });
  running.push(consumer);
  return { consumer, batches, errors, rejected };
}

const files = (dir: string) => readdirSync(dir).filter((n) => n.endsWith(".json") && !n.endsWith(".reason.json"));

describe("the consumer", () => {
  it("turns a burst into one batch, grouped, and acks it into delivered/", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const { batches } = consume(paths, { debounceMs: 150 });
    const ids = Array.from({ length: 20 }, () =>
      emit(paths, { type: "server-error", feature: "f", error: new Error("same") }),
    );
    await waitFor(() => files(paths.delivered).length === 20, "20 delivered events");
    expect(batches).toHaveLength(1);
    expect(batches[0]?.groups).toHaveLength(1);
    expect(batches[0]?.groups[0]?.count).toBe(20);
    expect(batches[0]?.claimed.map((c) => c.event.id)).toEqual(ids);
    expect(files(paths.events)).toEqual([]);
  });

  it("picks up events that were pending before it started", async () => {
    const { paths } = tempProject();
    const id = emit(paths, { type: "notification" });
    const { batches } = consume(paths);
    await waitFor(() => batches.length === 1, "a batch");
    expect(batches[0]?.claimed[0]?.event.id).toBe(id);
  });

  it("leaves events pending while held, then delivers them with a held-since note", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    let hold: HoldState = {
      held: true,
      cause: "manual",
      by: "alice",
      reason: "deploy",
      since: "2026-11-21T09:00:00.000Z",
    };
    const { consumer, batches } = consume(paths, { hold: () => hold });
    emit(paths, { type: "server-error", error: new Error("x") });
    // Several backstop rescans pass while held: nothing may be claimed.
    await new Promise((r) => setTimeout(r, 600));
    expect(batches).toHaveLength(0);
    expect(files(paths.events)).toHaveLength(1);
    hold = { held: false };
    consumer.poke();
    await waitFor(() => batches.length === 1, "the held batch");
    expect(batches[0]?.held?.cause).toBe("manual");
    // A manual pause's own time, not the moment the consumer noticed it.
    expect(batches[0]?.held?.since).toBe("2026-11-21T09:00:00.000Z");
    emit(paths, { type: "server-error", error: new Error("later") });
    await waitFor(() => batches.length === 2, "the next batch");
    expect(batches[1]?.held).toBeUndefined();
  });

  it("puts a batch back when delivery says release, and when delivery throws", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    let calls = 0;
    const { batches, errors } = consume(paths, {
      outcome: () => {
        calls++;
        if (calls === 1) return "release";
        if (calls === 2) throw new Error("pi said no");
        return "ack";
      },
    });
    const id = emit(paths, { type: "notification" });
    await waitFor(() => files(paths.delivered).length === 1, "delivery on the third try", 15_000);
    expect(batches.map((b) => b.claimed[0]?.event.id)).toEqual([id, id, id]);
    expect(String(errors[0])).toContain("pi said no");
  });

  it("caps batches at maxEvents and delivers the rest in the next ones", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    for (let i = 0; i < 250; i++) emit(paths, { type: "notification", n: i });
    const { batches } = consume(paths, { maxEvents: 100 });
    await waitFor(() => files(paths.delivered).length === 250, "all 250 delivered");
    expect(batches.map((b) => b.claimed.length)).toEqual([100, 100, 50]);
  });

  it("quarantines a bad file and carries on with the good ones", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    writeFileSync(join(paths.events, "0000000000001-broken.json"), "{not json");
    const good = emit(paths, { type: "notification" });
    const { batches, rejected } = consume(paths);
    await waitFor(() => batches.length === 1, "the good event");
    expect(batches[0]?.claimed.map((c) => c.event.id)).toEqual([good]);
    expect(rejected).toEqual(["0000000000001-broken.json"]);
    expect(existsSync(join(paths.rejected, "0000000000001-broken.json.reason.json"))).toBe(true);
  });

  it("stops delivering once stopped", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const { consumer, batches } = consume(paths);
    await consumer.stop();
    emit(paths, { type: "notification" });
    await new Promise((r) => setTimeout(r, 500));
    expect(batches).toHaveLength(0);
    expect(files(paths.events)).toHaveLength(1);
  });
});
