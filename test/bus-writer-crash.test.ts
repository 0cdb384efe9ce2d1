import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../bus/housekeeping.js";
import { sweepTmp, TMP_SWEEP_AGE_MS } from "../bus/maintenance.js";
import type { BusPaths } from "../bus/paths.js";
import { readEventFile } from "../bus/read-event.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { ageFile, pendingFiles, sparkConfig } from "./helpers/bus-state.js";
import { killFixture, startFixture, tagged } from "./helpers/fixtures.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/** Starts a writer emitting large events in a tight loop, lets it write a few hundred, kills it. */
async function killWriterMidStream(root: string): Promise<string[]> {
  const writer = startFixture("write-events.mjs", [root, "--count", "forever", "--pad", "6000"], { cwd: root });
  await waitFor(() => tagged(writer.lines(), "wrote").length >= 300, "the writer to report 300 events");
  const result = await killFixture(writer);
  expect(result.signal).toBe("SIGKILL");
  return tagged(result.stdout.split("\n"), "wrote");
}

/** What a crash between the staged write and the rename leaves: half an event, in .tmp/. */
function plantLeftover(paths: BusPaths, name: string): string {
  const whole = readFileSync(join(paths.events, pendingFiles(paths)[0] as string), "utf8");
  const path = join(paths.tmp, name);
  writeFileSync(path, whole.slice(0, whole.length / 2));
  return path;
}

describe("a writer killed with SIGKILL in the middle of a stream of writes", () => {
  it("leaves only whole events in events/: every file there parses and validates", async () => {
    const { root, paths } = tempProject();
    await killWriterMidStream(root);
    const broken = pendingFiles(paths).flatMap((name) => {
      const read = readEventFile(join(paths.events, name), name);
      return read.ok ? [] : [`${name}: ${read.missing ? "missing" : read.reason}`];
    });
    expect(pendingFiles(paths).length).toBeGreaterThanOrEqual(300);
    expect(broken).toEqual([]);
  });

  it("loses no event it reported as written, and publishes at most the one in flight", async () => {
    const { root, paths } = tempProject();
    const reported = await killWriterMidStream(root);
    const onDisk = pendingFiles(paths);
    expect(reported.filter((id) => !onDisk.includes(`${id}.json`))).toEqual([]);
    expect(onDisk.length - reported.length).toBeLessThanOrEqual(1);
  });

  it("leaves at most one staged file in .tmp, never a second copy of a published event", async () => {
    const { root, paths } = tempProject();
    await killWriterMidStream(root);
    const staged = readdirSync(paths.tmp);
    expect(staged.length).toBeLessThanOrEqual(1);
    expect(staged.filter((name) => pendingFiles(paths).includes(name))).toEqual([]);
  });
});

describe("sweeping what a crashed writer left in events/.tmp", () => {
  it("keeps fresh leftovers (a writer may be mid-write) and removes them once older than 10 minutes", async () => {
    const { root, paths } = tempProject();
    await killWriterMidStream(root);
    plantLeftover(paths, "1700000000000-000001-notification-1-deadbeef.json");
    const leftovers = readdirSync(paths.tmp).sort();
    const published = pendingFiles(paths);

    expect(sweepTmp(paths)).toBe(0);
    expect(readdirSync(paths.tmp).sort()).toEqual(leftovers);

    for (const name of leftovers) ageFile(join(paths.tmp, name), TMP_SWEEP_AGE_MS + 60_000);
    const fresh = plantLeftover(paths, "1700000000001-000002-notification-1-cafebabe.json");
    expect(sweepTmp(paths)).toBe(leftovers.length);
    expect(readdirSync(paths.tmp).map((name) => join(paths.tmp, name))).toEqual([fresh]);
    expect(pendingFiles(paths)).toEqual(published);
  });

  it("is part of housekeeping, which reports how many leftovers it removed", () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const old = join(paths.tmp, "1700000000000-000001-notification-1-deadbeef.json");
    const fresh = join(paths.tmp, "1700000000000-000002-notification-1-deadbeef.json");
    writeFileSync(old, '{"v":1,"id":');
    writeFileSync(fresh, '{"v":1,"id":');
    ageFile(old, TMP_SWEEP_AGE_MS + 60_000);
    expect(housekeeping(paths, sparkConfig()).sweptTmp).toBe(1);
    expect(readdirSync(paths.tmp)).toEqual(["1700000000000-000002-notification-1-deadbeef.json"]);
  });
});
