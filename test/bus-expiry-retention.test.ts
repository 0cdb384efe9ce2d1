import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { housekeeping } from "../bus/housekeeping.js";
import { applyRetention, expirePending } from "../bus/maintenance.js";
import type { BusPaths } from "../bus/paths.js";
import { writePause } from "../bus/pause.js";
import { REASON_SUFFIX, rejectFile } from "../bus/reject.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { ageFile, pendingFiles, sparkConfig } from "./helpers/bus-state.js";
import { runFixture, tagged } from "./helpers/fixtures.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Emits an event as a writer did `ageMs` ago (its name carries that time). Returns the file name. */
function emitAged(paths: BusPaths, ageMs: number): string {
  const ctx = { environment: "test", host: hostname(), pid: process.pid, now: Date.now() - ageMs };
  return `${emitEvent(paths, { type: "notification", message: `from ${ageMs} ms ago` }, ctx).id}.json`;
}

const files = (dir: string) => readdirSync(dir).sort();

describe("pending events older than events.expireMinutes", () => {
  it("move to expired/ whole, and their names are returned for reporting", () => {
    const { paths } = tempProject();
    const old = [emitAged(paths, 6 * MINUTE), emitAged(paths, 10 * MINUTE), emitAged(paths, 2 * DAY)].sort();
    const fresh = [emitAged(paths, 0), emitAged(paths, 4 * MINUTE)].sort();
    const bytes = new Map(old.map((name) => [name, readFileSync(join(paths.events, name))]));

    expect(expirePending(paths, 5 * MINUTE).sort()).toEqual(old);
    expect(files(paths.expired)).toEqual(old);
    expect(pendingFiles(paths)).toEqual(fresh);
    for (const [name, before] of bytes) expect(readFileSync(join(paths.expired, name)).equals(before)).toBe(true);
  });

  it("are expired and reported by start-up housekeeping", () => {
    const { paths } = tempProject();
    const old = emitAged(paths, 20 * MINUTE);
    const fresh = emitAged(paths, 0);
    expect(housekeeping(paths, sparkConfig(), { startup: true }).expired).toEqual([old]);
    expect(pendingFiles(paths)).toEqual([fresh]);
  });

  it("stay pending through periodic housekeeping: expiry happens at start-up only", () => {
    const { paths } = tempProject();
    const old = emitAged(paths, 20 * MINUTE);
    expect(housekeeping(paths, sparkConfig()).expired).toEqual([]);
    expect(pendingFiles(paths)).toEqual([old]);
  });

  it("stay pending while a pause holds them: a restart during a long pause must not expire them", () => {
    const { paths } = tempProject();
    writePause(paths, { by: "alice", reason: "migrating" });
    const old = emitAged(paths, 20 * MINUTE);
    expect(housekeeping(paths, sparkConfig(), { startup: true }).expired).toEqual([]);
    expect(pendingFiles(paths)).toEqual([old]);
  });

  it("stay pending when expireMinutes is 0 (expiry off)", () => {
    const { paths } = tempProject();
    const old = emitAged(paths, 3 * DAY);
    expect(housekeeping(paths, sparkConfig({ events: { expireMinutes: 0 } }), { startup: true }).expired).toEqual([]);
    expect(pendingFiles(paths)).toEqual([old]);
  });

  it("are never handed to a consumer that starts after the expiry", async () => {
    const { root, paths } = tempProject();
    emitAged(paths, 30 * MINUTE);
    const fresh = emitAged(paths, 0);
    housekeeping(paths, sparkConfig(), { startup: true });
    const consumer = await runFixture("claim-events.mjs", [root, "--consumer", "sidecar-late", "--ack"], { cwd: root });
    expect(tagged(consumer.stdout.split("\n"), "claimed").map((id) => `${id}.json`)).toEqual([fresh]);
  });
});

describe("retention in delivered/, rejected/ and expired/", () => {
  it("keeps the newest maxFiles events delivered by a real consumer, and drops the rest", async () => {
    const { root, paths } = tempProject();
    const names = [1, 2, 3, 4, 5, 6, 7, 8].map((hours) => emitAged(paths, hours * 60 * MINUTE));
    await runFixture("claim-events.mjs", [root, "--consumer", "sidecar-a", "--ack"], { cwd: root });
    expect(files(paths.delivered)).toEqual([...names].sort());

    expect(applyRetention(paths, { maxFiles: 5 })).toBe(3);
    expect(files(paths.delivered)).toEqual(names.slice(0, 5).sort());
  });

  it("drops entries older than the age limit even when there are fewer than maxFiles", () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const ages = [1 * DAY, 6 * DAY, 8 * DAY, 30 * DAY];
    const [day1, day6] = ages.map((a) => emitAged(paths, a));
    // Move them along the protocol's path without a consumer: expiry puts them in expired/.
    expirePending(paths, 0);
    expect(applyRetention(paths, { maxFiles: 1000, maxAgeMs: 7 * DAY })).toBe(2);
    expect(files(paths.expired)).toEqual([day1, day6].sort());
  });

  it("removes each dropped rejected file together with its reason, and keeps the reasons of the kept", () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const protocolOld = emitAged(paths, 9 * DAY);
    rejectFile(paths, join(paths.events, protocolOld), protocolOld, "schema: test", "test");
    for (const [name, ageMs] of [
      ["old-garbage.json", 10 * DAY],
      ["fresh-garbage.json", 0],
    ] as const) {
      const pendingPath = join(paths.events, name);
      writeFileSync(pendingPath, "{oops");
      ageFile(pendingPath, ageMs);
      rejectFile(paths, pendingPath, name, "invalid JSON: test", "test");
    }
    expect(files(paths.rejected)).toHaveLength(6);

    expect(applyRetention(paths, { maxFiles: 1000, maxAgeMs: 7 * DAY })).toBe(2);
    expect(files(paths.rejected)).toEqual(["fresh-garbage.json", `fresh-garbage.json${REASON_SUFFIX}`]);
  });

  it("counts files, not reason notes, against maxFiles in rejected/", () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const names = [1, 2, 3].map((minutes) => emitAged(paths, minutes * MINUTE));
    for (const name of names) rejectFile(paths, join(paths.events, name), name, "schema: test", "test");
    expect(applyRetention(paths, { maxFiles: 3 })).toBe(0);
    expect(files(paths.rejected)).toHaveLength(6);
  });

  it("is applied by housekeeping from the config, leaving pending events alone", () => {
    const { paths } = tempProject();
    const delivered = [1, 2, 3].map((minutes) => emitAged(paths, minutes * MINUTE));
    for (const name of delivered) renameSync(join(paths.events, name), join(paths.delivered, name));
    const stillPending = emitAged(paths, 30 * DAY);

    const report = housekeeping(paths, sparkConfig({ retention: { maxFiles: 1, maxAgeDays: 7 } }));
    expect(report.pruned).toBe(2);
    expect(files(paths.delivered)).toEqual([delivered[0]]);
    expect(pendingFiles(paths)).toEqual([stillPending]);
  });
});
