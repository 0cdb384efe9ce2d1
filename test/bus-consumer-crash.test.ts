import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../bus/housekeeping.js";
import { claimDir } from "../bus/paths.js";
import { consumerAliveCheck } from "../bus/presence.js";
import { listClaimed, releaseDeadClaims } from "../bus/queue.js";
import { pendingFiles, sparkConfig } from "./helpers/bus-state.js";
import { killFixture, type RunningFixture, runFixture, startFixture, tagged } from "./helpers/fixtures.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

async function writeEvents(root: string, count: number): Promise<string[]> {
  const result = await runFixture("write-events.mjs", [root, "--count", String(count)], { cwd: root });
  return tagged(result.stdout.split("\n"), "wrote").sort();
}

/**
 * A consumer that writes its presence, claims one batch, prints it, acks the first `ackFirst`
 * and then hangs before acking the rest.
 */
async function claimAndHang(
  root: string,
  consumerId: string,
  ackFirst = 0,
): Promise<{ fixture: RunningFixture; claimed: string[]; acked: string[] }> {
  const fixture = startFixture(
    "claim-events.mjs",
    [root, "--consumer", consumerId, "--presence", "--hang", "--ack-first", String(ackFirst)],
    { cwd: root },
  );
  await waitFor(() => fixture.lines().includes("holding"), `${consumerId} to claim and hold`);
  return {
    fixture,
    claimed: tagged(fixture.lines(), "claimed").sort(),
    acked: tagged(fixture.lines(), "acked").sort(),
  };
}

const files = (ids: string[]) => ids.map((id) => `${id}.json`);

describe("a consumer killed (SIGKILL) between claim and ack", () => {
  it("held its claims in claimed/<its id>/, out of everyone else's reach", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 5);
    const { claimed } = await claimAndHang(root, "sidecar-doomed");
    expect(claimed).toEqual(written);
    expect(listClaimed(paths, "sidecar-doomed")).toEqual(files(written));
    expect(pendingFiles(paths)).toEqual([]);
  });

  it("gets its events put back in events/ under the same names once found dead", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 5);
    const { fixture } = await claimAndHang(root, "sidecar-doomed");
    await killFixture(fixture);

    expect(releaseDeadClaims(paths, consumerAliveCheck(paths))).toBe(5);
    expect(pendingFiles(paths)).toEqual(files(written));
    expect(existsSync(claimDir(paths, "sidecar-doomed"))).toBe(false);
  });

  it("has the next consumer receive the same events again: same ids, same bytes", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 5);
    const original = new Map(files(written).map((name) => [name, readFileSync(join(paths.events, name))]));
    const { fixture } = await claimAndHang(root, "sidecar-doomed");
    await killFixture(fixture);
    releaseDeadClaims(paths, consumerAliveCheck(paths));

    const next = await runFixture("claim-events.mjs", [root, "--consumer", "sidecar-next", "--ack"], { cwd: root });
    expect(tagged(next.stdout.split("\n"), "claimed").sort()).toEqual(written);
    for (const [name, bytes] of original) {
      expect(readFileSync(join(paths.delivered, name)).equals(bytes), `${name} delivered unchanged`).toBe(true);
    }
  });

  it("after acking part of its batch, has only the unacknowledged rest redelivered", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 6);
    const { fixture, acked } = await claimAndHang(root, "sidecar-doomed", 2);
    await killFixture(fixture);
    expect(acked).toHaveLength(2);

    expect(releaseDeadClaims(paths, consumerAliveCheck(paths))).toBe(4);
    const next = await runFixture("claim-events.mjs", [root, "--consumer", "sidecar-next", "--ack"], { cwd: root });
    expect(tagged(next.stdout.split("\n"), "claimed").sort()).toEqual(written.filter((id) => !acked.includes(id)));
    expect(readdirSync(paths.delivered).sort()).toEqual(files(written));
  });

  it("is cleaned up by start-up housekeeping: claims released, dead presence removed, both reported", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 3);
    const { fixture } = await claimAndHang(root, "sidecar-doomed");
    await killFixture(fixture);

    const report = housekeeping(paths, sparkConfig(), { startup: true });
    expect(report.released).toBe(3);
    expect(report.removedAgents).toEqual(["sidecar-doomed.json"]);
    expect(report.expired).toEqual([]);
    expect(pendingFiles(paths)).toEqual(files(written));
    expect(readdirSync(paths.agents)).toEqual([]);
  });
});

describe("a live consumer between claim and ack", () => {
  it("keeps its claims: releaseDeadClaims leaves them where they are", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 4);
    await claimAndHang(root, "sidecar-busy");

    expect(releaseDeadClaims(paths, consumerAliveCheck(paths))).toBe(0);
    expect(listClaimed(paths, "sidecar-busy")).toEqual(files(written));
    expect(pendingFiles(paths)).toEqual([]);
  });

  it("keeps its claims and its presence through start-up housekeeping", async () => {
    const { root, paths } = tempProject();
    const written = await writeEvents(root, 4);
    await claimAndHang(root, "sidecar-busy");

    const report = housekeeping(paths, sparkConfig(), { startup: true });
    expect(report.released).toBe(0);
    expect(report.removedAgents).toEqual([]);
    expect(listClaimed(paths, "sidecar-busy")).toEqual(files(written));
    expect(readdirSync(paths.agents)).toEqual(["sidecar-busy.json"]);
  });
});
