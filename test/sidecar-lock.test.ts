import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LivenessFacts } from "../bus/liveness.js";
import {
  acquireSidecarLock,
  lockRefusal,
  readSidecarLock,
  type SidecarLockInfo,
  sidecarLockPath,
} from "../bus/sidecar-lock.js";
import { ageFile } from "./helpers/bus-state.js";
import { deadPid, killFixture, type RunningFixture, startFixture, tagged } from "./helpers/fixtures.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const facts = (over: Partial<LivenessFacts> = {}): LivenessFacts => ({
  now: Date.now(),
  thisHost: hostname(),
  pidExists: () => true,
  ttlMs: 30_000,
  ...over,
});

function writeLock(path: string, info: Partial<SidecarLockInfo>): void {
  mkdirSync(dirname(path), { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(
    path,
    JSON.stringify({ id: "other", pid: 1, host: hostname(), startedAt: at, heartbeatAt: at, ...info }),
  );
}

describe("the sidecar lock (one sidecar per project)", () => {
  it("is taken once: a second taker is refused and told who holds it", () => {
    const { paths } = tempProject();
    const first = acquireSidecarLock(paths, { id: "one" });
    expect(first.ok).toBe(true);
    const second = acquireSidecarLock(paths, { id: "two" });
    expect(second).toMatchObject({ ok: false, holder: { id: "one", pid: process.pid, host: hostname() } });
    if (!first.ok) return;
    first.lock.release();
    expect(readSidecarLock(paths)).toBeUndefined();
    expect(acquireSidecarLock(paths, { id: "two" }).ok).toBe(true);
  });

  it("of a SIGKILLed sidecar on this host does not block: its pid is gone", async () => {
    const { paths } = tempProject();
    const holder = startFixture("take-sidecar-lock.mjs", [paths.root, "--hold"], { cwd: paths.root });
    await waitFor(() => holder.lines().includes("took"), "the first sidecar's lock");
    expect(acquireSidecarLock(paths, { id: "second" })).toMatchObject({ ok: false, holder: { pid: holder.child.pid } });
    await killFixture(holder);
    const taken = acquireSidecarLock(paths, { id: "second" });
    expect(taken.ok).toBe(true);
    expect(readSidecarLock(paths)).toMatchObject({ info: { id: "second", pid: process.pid } });
  });

  it("across hosts is judged by its heartbeat only (a pid elsewhere means nothing here)", () => {
    const { paths } = tempProject();
    const pid = 999_999;
    writeLock(sidecarLockPath(paths), { host: "far-away", pid });
    expect(acquireSidecarLock(paths, { id: "me", facts: facts({ pidExists: () => false }) })).toMatchObject({
      ok: false,
      holder: { host: "far-away" },
    });
    const lapsed = new Date(Date.now() - 31_000).toISOString();
    writeLock(sidecarLockPath(paths), { host: "far-away", pid, heartbeatAt: lapsed });
    expect(acquireSidecarLock(paths, { id: "me", facts: facts() }).ok).toBe(true);
  });

  it("is lost by a holder whose lock was taken over: its heartbeat says so instead of overwriting", async () => {
    const { paths } = tempProject();
    const mine = acquireSidecarLock(paths, { id: "mine" });
    if (!mine.ok) throw new Error("not taken");
    // Another host took it while this process was suspended past the TTL.
    writeLock(sidecarLockPath(paths), { id: "theirs", host: "far-away" });
    expect(mine.lock.refresh()).toBe(false);
    mine.lock.release();
    expect(readSidecarLock(paths)).toMatchObject({ info: { id: "theirs" } });
  });

  it("refreshes its heartbeat while held", () => {
    const { paths } = tempProject();
    const mine = acquireSidecarLock(paths, { id: "mine" });
    if (!mine.ok) throw new Error("not taken");
    const later = Date.now() + 20_000;
    expect(mine.lock.refresh(later)).toBe(true);
    expect(readSidecarLock(paths)).toMatchObject({ info: { heartbeatAt: new Date(later).toISOString() } });
  });

  it("that cannot be read is refused while recent, and taken once older than the TTL", async () => {
    const { paths } = tempProject();
    acquireSidecarLock(paths, { id: "setup" });
    writeFileSync(sidecarLockPath(paths), "{half");
    const refused = acquireSidecarLock(paths, { id: "me" });
    expect(refused).toMatchObject({ ok: false, holder: undefined });
    if (refused.ok) return;
    expect(lockRefusal(refused, { now: Date.now(), thisHost: hostname(), lockFile: ".spark/sidecar.lock" })).toContain(
      "rm .spark/sidecar.lock",
    );
    ageFile(sidecarLockPath(paths), 60_000);
    expect(acquireSidecarLock(paths, { id: "me" }).ok).toBe(true);
  });

  it("goes to exactly one of eight processes that race for it, however many were dead before", async () => {
    const { paths } = tempProject();
    // A dead holder first: every racer sees it, judges it dead and tries to take over.
    writeLock(sidecarLockPath(paths), { id: "dead", pid: await deadPid() });
    const racers: RunningFixture[] = Array.from({ length: 8 }, () =>
      startFixture("take-sidecar-lock.mjs", [paths.root, "--barrier", "--hold"], { cwd: paths.root }),
    );
    await waitFor(() => racers.every((r) => r.lines().includes("ready")), "every racer ready");
    for (const r of racers) r.go();
    await waitFor(() => racers.every((r) => r.lines().length > 1), "every racer's answer");
    const winners = racers.filter((r) => r.lines().includes("took"));
    expect(winners).toHaveLength(1);
    const winnerPid = String(winners[0]?.child.pid);
    for (const r of racers) if (r !== winners[0]) expect(tagged(r.lines(), "refused")).toEqual([winnerPid]);
    expect(readSidecarLock(paths)).toMatchObject({ info: { pid: winners[0]?.child.pid } });
  });
});

describe("the refusal message", () => {
  const holder: SidecarLockInfo = {
    id: "sidecar-1",
    pid: 4242,
    host: "laptop",
    startedAt: "2025-01-01T10:00:00.000Z",
    heartbeatAt: "2025-01-01T10:05:00.000Z",
  };
  const now = Date.parse("2025-01-01T10:05:05.000Z");

  it("on this host names the pid, the host, since when, and how to stop it", () => {
    const text = lockRefusal({ ok: false, holder }, { now, thisHost: "laptop", lockFile: ".spark/sidecar.lock" });
    expect(text).toContain("pid 4242 on this host (laptop), since 2025-01-01T10:00:00.000Z (5m ago)");
    expect(text).toContain("`kill 4242`");
    expect(text).toContain("`manifest down`");
  });

  it("on another host says where to stop it, and when its lock lapses", () => {
    const text = lockRefusal({ ok: false, holder }, { now, thisHost: "desktop", lockFile: ".spark/sidecar.lock" });
    expect(text).toContain("pid 4242 on host laptop (another machine sharing this folder)");
    expect(text).toContain("`kill 4242` on laptop");
    expect(text).toContain("lapses 30s after its last heartbeat (2025-01-01T10:05:00.000Z)");
  });
});
