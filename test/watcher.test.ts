// The bus watcher (`watchFolders`): hints for changes in a folder, coalesced, and a watch that
// comes back by itself for a folder that was missing or was deleted and made again. Real
// folders, real inotify; a child process for "does it keep the process alive".
import { spawn } from "node:child_process";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type FolderWatcher, type HintSource, REARM_CHECK_MS, watchFolders } from "../bus/watcher.js";
import { waitFor } from "./helpers/processes.js";
import { DIST, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

const open: FolderWatcher[] = [];
afterEach(async () => {
  for (const w of open.splice(0)) await w.close();
});

/** Watches `dirs` and records each hint. */
function record(dirs: string[], backstopMs = 0) {
  const hints: HintSource[] = [];
  const errors: unknown[] = [];
  const watcher = watchFolders(dirs, (source) => hints.push(source), {
    backstopMs,
    onError: (error) => errors.push(error),
  });
  open.push(watcher);
  return { hints, errors, watcher };
}

/** Publishes a file into `dir` the way the bus does: written aside, then renamed in. */
function publish(dir: string, name: string) {
  const staged = join(dir, "..", `.${name}.staged`);
  writeFileSync(staged, "{}");
  renameSync(staged, join(dir, name));
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watchFolders", () => {
  it("hints when a file is renamed into the folder, once per burst", async () => {
    const { root } = tempProject();
    const dir = join(root, "events");
    mkdirSync(dir);
    const { hints } = record([dir]);
    publish(dir, "one.json");
    await waitFor(() => hints.length > 0, "a hint for one file");
    await tick(50);
    const afterOne = hints.length;
    expect(hints.every((h) => h === "watch")).toBe(true);

    // 500 files in one synchronous burst: one turn of the event loop, so one hint, not 500.
    for (let i = 0; i < 500; i++) publish(dir, `storm-${i}.json`);
    await waitFor(() => hints.length > afterOne, "a hint for the storm");
    await tick(100);
    expect(hints.length - afterOne).toBeLessThan(10);
  });

  it("says nothing for the folder's existing files, and nothing after close", async () => {
    const { root } = tempProject();
    const dir = join(root, "events");
    mkdirSync(dir);
    publish(dir, "before.json");
    const { hints, watcher } = record([dir]);
    await tick(100);
    expect(hints).toEqual([]);
    await watcher.close();
    publish(dir, "after.json");
    await tick(100);
    expect(hints).toEqual([]);
  });

  it("watches a folder that did not exist yet once it appears", async () => {
    const { root } = tempProject();
    const dir = join(root, "events");
    const { hints, errors } = record([dir]);
    await tick(50);
    mkdirSync(dir);
    // The next check arms the watch (and hints: the folder is new).
    await waitFor(() => hints.length > 0, "a hint for the folder appearing", REARM_CHECK_MS * 3);
    const armed = hints.length;
    publish(dir, "late.json");
    await waitFor(() => hints.length > armed, "a hint for a file in the new folder");
    expect(errors).toEqual([]); // a missing folder is not an error worth reporting
  });

  it("keeps hinting after the folder is deleted and made again", async () => {
    // inotify watches the folder, not its name: without a re-arm the new folder is never seen.
    const { root } = tempProject();
    const dir = join(root, "events");
    mkdirSync(dir);
    const { hints } = record([dir]);
    rmSync(dir, { recursive: true });
    mkdirSync(dir);
    await tick(REARM_CHECK_MS * 1.5); // the check notices the new folder
    const before = hints.length;
    publish(dir, "after-remake.json");
    await waitFor(() => hints.length > before, "a hint from the remade folder", REARM_CHECK_MS * 3);
  });

  it("gives backstop hints on its timer when asked", async () => {
    const { root } = tempProject();
    const dir = join(root, "events");
    mkdirSync(dir);
    const { hints } = record([dir], 40);
    await waitFor(() => hints.filter((h) => h === "backstop").length >= 2, "two backstop hints");
  });

  it("lets the process exit unless it is persistent, also for a missing folder and after close", async () => {
    const { root } = tempProject();
    const dir = join(root, "events");
    mkdirSync(dir);
    requireBuild();
    const bus = JSON.stringify(pathToFileURL(join(DIST, "bus.js")).href);
    /** Runs `body` in a child process; killed (and reported) if it is still there after 10 s. */
    const run = async (body: string) => {
      const child = spawn(
        process.execPath,
        ["--input-type=module", "-e", `import { watchFolders } from ${bus};\n${body}`],
        {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      child.stdout.on("data", (d) => {
        stdout += d.toString();
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)));
      clearTimeout(killer);
      return { code, stdout };
    };
    // An unref'd timer does not keep the process alive: it only prints if the watch does.
    const stillHere = `setTimeout(() => { console.log("still here"); process.exit(0); }, 1200).unref();`;

    const quiet = await run(`watchFolders([${JSON.stringify(dir)}], () => {}, { persistent: false });\n${stillHere}`);
    expect(quiet).toEqual({ code: 0, stdout: "" });

    const kept = await run(`watchFolders([${JSON.stringify(dir)}], () => {}, { persistent: true });\n${stillHere}`);
    expect(kept.stdout).toContain("still here");

    // Nothing to watch yet and no backstop (as the relay has): the re-arm check keeps it alive.
    const missing = join(root, "not-yet");
    const waiting = await run(
      `watchFolders([${JSON.stringify(missing)}], () => {}, { persistent: true, backstopMs: 0 });\n${stillHere}`,
    );
    expect(waiting.stdout).toContain("still here");

    const closed = await run(
      `const w = watchFolders([${JSON.stringify(dir)}, ${JSON.stringify(missing)}], () => {}, { persistent: true, backstopMs: 500 });\nawait w.close();\n${stillHere}`,
    );
    expect(closed).toEqual({ code: 0, stdout: "" });
  });
});
