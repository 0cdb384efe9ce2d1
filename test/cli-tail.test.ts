import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { listEntries } from "../bus/browse.js";
import type { BusPaths } from "../bus/paths.js";
import { ackClaimed, claimBatch } from "../bus/queue.js";
import { requeueEntry } from "../bus/requeue.js";
import { type TailRecordJson, tailRecordSchema } from "../cli/schemas.js";
import { busScene, dropInvalid, emitNamed, serverErrorInput } from "./helpers/bus-scene.js";
import { CLEAN_ENV, CLI } from "./helpers/cli.js";
import { type RunningManifest, startManifest } from "./helpers/manifest-process.js";
import { finished, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const short = (name: string) => name.slice(0, -".json".length).slice(-8);

/** Starts `manifest spark tail …` in `root`; killed after the test if it is still running. */
function startTail(root: string, args: string[] = []): RunningManifest {
  return startManifest(["spark", "tail", ...args], root);
}

/** Waits for `predicate`; on a timeout, the error shows what the tail had printed by then. */
async function until<T>(tail: RunningManifest, what: string, predicate: () => T | undefined): Promise<T> {
  try {
    return await waitFor(predicate, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the tail printed:\n${tail.lines().join("\n")}\n${tail.stderr()}`);
  }
}

/** Waits until the tail printed a line containing each of `parts`, in any order. */
async function printed(tail: RunningManifest, ...parts: string[]): Promise<string[]> {
  return until(tail, `lines with ${parts.join(", ")}`, () =>
    parts.every((p) => tail.lines().some((l) => l.includes(p))) ? tail.lines() : undefined,
  );
}

/** The NDJSON records printed so far, each checked against the schema. */
function records(tail: RunningManifest): TailRecordJson[] {
  return tail.lines().map((line) => tailRecordSchema.parse(JSON.parse(line)));
}

/**
 * Starts a tail that is known to be following: a marker event written first is the one
 * existing event it shows (`-n 1`), and once it is printed the first listing is done and
 * every later change will be reported.
 */
async function startFollowing(root: string, paths: BusPaths, args: string[] = []): Promise<RunningManifest> {
  const marker = emitNamed(paths, { type: "notification", message: "marker" });
  const tail = startTail(root, ["-n", "1", ...args]);
  await printed(tail, short(marker));
  return tail;
}

async function recorded(tail: RunningManifest, what: string, test: (r: TailRecordJson) => boolean) {
  return until(tail, what, () => records(tail).find(test));
}

/** Claims and acknowledges everything pending, as a sidecar does. */
function consumeAll(paths: BusPaths, consumer = "test-consumer"): string[] {
  const { claimed } = claimBatch(paths, consumer);
  const names = claimed.map((c) => c.name);
  ackClaimed(paths, consumer, names);
  return names;
}

describe("manifest spark tail (readable)", () => {
  it("shows the newest existing events, then new ones as they arrive and their delivery; Ctrl+C exits 0", async () => {
    const { root, paths } = tempProject();
    const oldest = emitNamed(paths, { type: "notification", message: "too old to show" });
    const older = emitNamed(paths, { type: "notification", message: "second newest" });
    const newest = emitNamed(paths, serverErrorInput());
    const tail = startTail(root, ["-n", "2"]);
    const start = await printed(tail, short(older), short(newest));
    expect(start).toHaveLength(2);
    expect(start[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d notification second newest ${short(older)}$`));
    expect(start[1]).toMatch(/server-error create-user POST \/users 500 TypeError: Cannot read/);

    const fresh = emitNamed(paths, {
      type: "process-error",
      command: "npm test",
      exitCode: 1,
      error: new Error("2 failing"),
    });
    await printed(tail, `process-error npm test exit 1 Error: 2 failing ${short(fresh)}`);
    expect(consumeAll(paths)).toHaveLength(4);
    await printed(
      tail,
      `→ delivered  notification ${short(older)}`,
      `→ delivered  server-error ${short(newest)}`,
      `→ delivered  process-error ${short(fresh)}`,
    );
    // Every listing is whole: once a later event shows, all earlier moves have been seen.
    const sentinel = emitNamed(paths, { type: "notification", message: "sentinel" });
    await printed(tail, short(sentinel));
    expect(tail.lines().join("\n")).not.toContain(short(oldest));

    tail.child.kill("SIGINT");
    const exit = await tail.exit;
    expect(exit).toMatchObject({ code: 0, signal: null, stderr: "" });
  });

  it("exits 0 on SIGTERM", async () => {
    const { root, paths } = tempProject();
    const tail = await startFollowing(root, paths);
    tail.child.kill("SIGTERM");
    expect(await tail.exit).toMatchObject({ code: 0, signal: null, stderr: "" });
  });
});

describe("manifest spark tail --json", () => {
  it("prints one schema-valid record per change: arrivals, moves, invalid files and rejections", async () => {
    const { root, paths } = tempProject();
    const tail = await startFollowing(root, paths, ["--json"]);
    const event = emitNamed(paths, serverErrorInput());
    const id = event.slice(0, -5);
    const seen = await recorded(tail, "the server error", (r) => r.kind === "event" && r.event.id === id);
    expect(seen).toMatchObject({ state: "pending", event: { type: "server-error", feature: "create-user" } });
    expect(JSON.stringify(seen)).not.toContain("hunter2");

    const bad = dropInvalid(paths);
    expect(await recorded(tail, "the invalid file", (r) => r.kind === "invalid" && r.name === bad)).toMatchObject({
      state: "pending",
      reason: expect.stringMatching(/^invalid JSON/),
    });
    consumeAll(paths);
    expect(
      await recorded(tail, "the delivery", (r) => r.kind === "moved" && r.id === id && r.to === "delivered"),
    ).toMatchObject({ type: "server-error" });
    expect(await recorded(tail, "the rejection", (r) => r.kind === "rejected" && r.name === bad)).toMatchObject({
      reason: expect.stringMatching(/^invalid JSON/),
    });
    tail.child.kill("SIGINT");
    expect((await tail.exit).code).toBe(0);
  });

  it("shows a requeued event going back to pending, and only the type asked for", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const tail = startTail(root, ["--json", "--type", "deploy-done"]);
    // The backlog: the expired deploy-done event is the only one of that type.
    const backlog = await recorded(tail, "the backlog", (r) => r.kind === "event");
    expect(backlog).toMatchObject({ state: "expired", event: { id: scene.expired.slice(0, -5) } });

    emitNamed(paths, serverErrorInput());
    const expired = listEntries(paths, ["expired"])[0];
    if (!expired) throw new Error("no expired entry");
    expect(requeueEntry(paths, expired).ok).toBe(true);
    // It was shown (as expired): its return is a move back to pending.
    const back = await recorded(tail, "the requeue", (r) => r.kind === "moved");
    expect(back).toMatchObject({ id: expired.id, from: "expired", to: "pending", type: "deploy-done" });
    // The server error was written before the requeue: had it passed the filter, it would show by now.
    expect(records(tail)).toHaveLength(2);
    tail.child.kill("SIGINT");
    expect((await tail.exit).code).toBe(0);
  });

  it("keeps up with a storm: every event once, then every delivery once", async () => {
    const { root, paths } = tempProject();
    const tail = await startFollowing(root, paths, ["--json"]);
    for (let i = 0; i < 300; i++) emitNamed(paths, { type: "notification", message: `storm ${i}` });
    const events = () => records(tail).filter((r) => r.kind === "event");
    await waitFor(() => events().length >= 301, "300 events");
    while (consumeAll(paths).length > 0);
    const moves = () => records(tail).filter((r) => r.kind === "moved" && r.to === "delivered");
    await waitFor(() => moves().length >= 301, "301 deliveries");
    const sentinel = emitNamed(paths, { type: "notification", message: "sentinel" });
    await recorded(tail, "the sentinel", (r) => r.kind === "event" && r.event.id === sentinel.slice(0, -5));
    // The marker, the 300 and the sentinel: each once.
    expect(new Set(events().map((r) => (r.kind === "event" ? r.event.id : ""))).size).toBe(302);
    expect(events()).toHaveLength(302);
    expect(moves()).toHaveLength(301);
    tail.child.kill("SIGINT");
    expect((await tail.exit).code).toBe(0);
  });
});

describe("manifest spark tail when its reader goes away", () => {
  it("exits 0 at once when the reading end of its stdout is closed, with nothing more to print", async () => {
    const { root, paths } = tempProject();
    emitNamed(paths, { type: "notification", message: "one" });
    const tail = startTail(root);
    await printed(tail, "notification one");
    // Spawned by Node, its stdout is a socket: the tail watches it and needs no further write.
    tail.child.stdout?.destroy();
    expect(await tail.exit).toMatchObject({ code: 0, signal: null, stderr: "" });
  });

  it("`manifest spark tail | head -1` exits 0 as soon as it next writes", async () => {
    const { root, paths } = tempProject();
    emitNamed(paths, { type: "notification", message: "first" });
    const shell = spawn(
      "bash",
      ["-c", `"${process.execPath}" "${CLI}" spark tail -n 1 | head -1; echo "tail exited \${PIPESTATUS[0]}"`],
      { cwd: root, env: { ...process.env, ...CLEAN_ENV }, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    // On a failure, take the whole pipeline down, not just bash.
    onTestFinished(() => {
      if (shell.exitCode === null && shell.pid !== undefined) process.kill(-shell.pid, "SIGKILL");
    });
    const exit = finished(shell);
    let out = "";
    shell.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    let done = false;
    void exit.then(() => {
      done = true;
    });
    await waitFor(() => out.includes("first"), "head's line");
    // A pipe cannot be watched from Node: the tail notices at its next write. Give it some.
    await waitFor(
      () => done || (emitNamed(paths, { type: "notification", message: "more" }) && false),
      "the pipeline to end",
      20_000,
      100,
    );
    const result = await exit;
    expect(result.stdout).toMatch(/notification first \w{8}\ntail exited 0\n$/);
    expect(result.stderr).toBe("");
  });
});
