import { describe, expect, it } from "vitest";
import type { BusChange } from "../bus/bus-diff.js";
import { observeBus } from "../bus/observe.js";
import { ackClaimed, claimBatch } from "../bus/queue.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { emitNamed } from "./helpers/bus-scene.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

describe("observeBus", () => {
  it("reports what is there, then arrivals and their moves to delivered", async () => {
    const { paths } = tempProject();
    ensureBusDirs(paths);
    const first = emitNamed(paths, { type: "notification", message: "before" });
    const scans: { initial: boolean; changes: BusChange[] }[] = [];
    const observer = observeBus(paths, (scan) => scans.push(scan), { backstopMs: 200 });
    try {
      expect(scans).toEqual([{ initial: true, changes: [expect.objectContaining({ kind: "appeared" })] }]);
      const changes = () => scans.flatMap((s) => s.changes);
      const second = emitNamed(paths, { type: "notification", message: "after" });
      await waitFor(() => changes().some((c) => c.kind === "appeared" && c.entry.name === second), "the new event");
      const { claimed } = claimBatch(paths, "c1");
      ackClaimed(
        paths,
        "c1",
        claimed.map((c) => c.name),
      );
      for (const name of [first, second]) {
        await waitFor(
          () => changes().some((c) => c.kind === "moved" && c.entry.name === name && c.entry.state === "delivered"),
          `${name} delivered`,
        );
      }
    } finally {
      await observer.close();
    }
  });
});
