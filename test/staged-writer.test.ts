// The staged writer: atomic writes whose temp file was made ahead of time (the relay's inbound
// side writes what the hub brings with it). What must hold: the target appears whole with mode
// 0600; the spare waits in the stage folder, renewed so the sweep of old staged files never
// takes it, and a write still lands when it was swept anyway; close leaves nothing behind.
import { readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sweepTmp } from "../bus/maintenance.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { type StagedWriter, stagedWriter } from "../bus/staged-writer.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const writers: StagedWriter[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.close();
});

function setUp(options?: { touchEveryMs?: number }) {
  const { paths } = tempProject();
  ensureBusDirs(paths);
  const writer = stagedWriter(paths.tmp, options);
  writers.push(writer);
  const staged = () => readdirSync(paths.tmp);
  return { paths, writer, staged };
}

describe("stagedWriter", () => {
  it("writes whole files with mode 0600, one spare waiting in the stage folder between writes", async () => {
    const { paths, writer, staged } = setUp();
    expect(staged()).toHaveLength(1); // made up front
    for (let i = 0; i < 3; i++) {
      const target = join(paths.events, `e${i}.json`);
      writer.write(target, `{"n":${i}}\n`);
      expect(readFileSync(target, "utf8")).toBe(`{"n":${i}}\n`);
      expect(statSync(target).mode & 0o777).toBe(0o600);
      await waitFor(() => staged().length === 1, "the next spare");
    }
    const [spare] = staged();
    expect(statSync(join(paths.tmp, spare ?? "")).size).toBe(0);
    expect(statSync(join(paths.tmp, spare ?? "")).mode & 0o777).toBe(0o600);
    expect(
      readdirSync(paths.events)
        .filter((n) => n.endsWith(".json"))
        .sort(),
    ).toEqual(["e0.json", "e1.json", "e2.json"]);
  });

  // Counts this process's descriptors in /proc: Linux only.
  it.skipIf(process.platform !== "linux")(
    "closes each written file soon after, so a relay taking a storm holds no more descriptors",
    async () => {
      const { paths, writer } = setUp();
      const open = () => readdirSync("/proc/self/fd").length;
      const before = open();
      const tick = () => new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 100; i++) {
        writer.write(join(paths.events, `s${i}.json`), "{}\n");
        await tick(); // the next spare is made, and each write uses one
      }
      await tick();
      expect(open() - before).toBeLessThanOrEqual(1);
      expect(readdirSync(paths.events).filter((n) => n.endsWith(".json"))).toHaveLength(100);
    },
  );

  it("still writes when the sweep took the spare", () => {
    const { paths, writer, staged } = setUp();
    expect(sweepTmp(paths, 0, Date.now() + 1000)).toBe(1);
    expect(staged()).toEqual([]);
    const target = join(paths.events, "after-sweep.json");
    writer.write(target, "{}\n");
    expect(readFileSync(target, "utf8")).toBe("{}\n");
  });

  it("renews the spare so the sweep of old staged files leaves it alone", async () => {
    const { paths, staged } = setUp({ touchEveryMs: 30 });
    const spare = join(paths.tmp, staged()[0] ?? "");
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(spare, hourAgo, hourAgo);
    await waitFor(() => Date.now() - statSync(spare).mtimeMs < 60_000, "the spare renewed");
    expect(sweepTmp(paths)).toBe(0);
    expect(staged()).toHaveLength(1);
  });

  it("removes its spare on close", () => {
    const { writer, staged } = setUp();
    expect(staged()).toHaveLength(1);
    writer.close();
    expect(staged()).toEqual([]);
  });

  it("works without a spare when the stage folder cannot hold one yet", () => {
    const { paths } = tempProject();
    const writer = stagedWriter(join(paths.tmp)); // no bus folders yet: no spare
    writers.push(writer);
    ensureBusDirs(paths);
    const target = join(paths.events, "first.json");
    writer.write(target, "{}\n");
    expect(readFileSync(target, "utf8")).toBe("{}\n");
  });
});
