import { existsSync } from "node:fs";
import { join } from "node:path";
import { type FauxResponseStep, fauxAssistantMessage, fauxToolCall } from "@mariozechner/pi-ai";
import { afterEach, describe, expect, it } from "vitest";
import { listApprovals } from "../bus/approvals.js";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { type PiHarness, startPi } from "./helpers/pi-sdk.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const running: PiHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.shutdown();
});

async function pi(root: string, role: "human" | "sidecar", steps: FauxResponseStep[] = []) {
  const harness = await startPi(root, role, { steps });
  running.push(harness);
  return harness;
}

const production = (tools: string) =>
  `export default { environment: "production", environments: { production: { tools: "${tools}", behavior: "fix" } }, debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n`;
const writer = { environment: "production", host: "test", pid: process.pid, redactKeys: [] };
const failure = (paths: BusPaths) =>
  emitEvent(paths, { type: "server-error", feature: "checkout", status: 500, error: new Error("boom") }, writer);
const bash = (command: string) => fauxAssistantMessage(fauxToolCall("bash", { command }), { stopReason: "toolUse" });

/** The tool results of a session, in order. */
const toolResults = (h: PiHarness) =>
  h.session.messages.flatMap((m) => {
    const r = m as { role: string; content?: Array<{ text?: string }>; isError?: boolean };
    return r.role === "toolResult"
      ? [{ text: (r.content ?? []).map((p) => p.text ?? "").join(""), isError: r.isError }]
      : [];
  });

describe("a person's session in a read-only environment", () => {
  it("runs the person's own bash, but none once it took Spark events with /spark take", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": production("read-only") });
    const before = join(root, "before.txt");
    const after = join(root, "after.txt");
    const human = await pi(root, "human", [
      bash(`echo mine > ${before}`),
      fauxAssistantMessage("Tidied."),
      bash(`echo fix > ${after}`),
      fauxAssistantMessage("I could not change anything: read-only."),
    ]);
    await human.session.prompt("tidy up");
    expect(existsSync(before)).toBe(true);

    failure(paths);
    await human.session.prompt("/spark take");
    expect(human.ui.notifications.at(-1)?.text).toBe("Took 1 event into this session.");
    await waitFor(() => toolResults(human).length === 2 && !human.session.isStreaming, "the run on the events");
    expect(existsSync(after)).toBe(false);
    expect(toolResults(human)[1]).toEqual({
      text: expect.stringContaining("This session took Spark events from production, which is read-only"),
      isError: true,
    });
    expect(human.errors).toEqual([]);
  });
});

describe("answering from a person's Pi session", () => {
  it("/spark approve lets the sidecar's waiting bash call run", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": production("approve") });
    const marker = join(root, "ran.txt");
    const sidecar = await pi(root, "sidecar", [bash(`echo ran > ${marker}`), fauxAssistantMessage("Done.")]);
    const human = await pi(root, "human");
    failure(paths);
    const [waiting] = await waitFor(
      () => {
        const pending = listApprovals(paths).filter((v) => v.state === "pending");
        return pending.length > 0 && pending;
      },
      "the sidecar's request",
      20_000,
    );
    await human.session.prompt("/spark status");
    expect(human.ui.notifications.at(-1)?.text).toContain(`Waits for a yes: ${waiting?.request.id} bash echo ran`);
    expect(existsSync(marker)).toBe(false);

    await human.session.prompt("/spark approve");
    expect(human.ui.notifications.at(-1)?.text).toBe(`✔ Approved bash echo ran > ${marker} (${waiting?.request.id}).`);
    await waitFor(() => existsSync(marker), "the approved call to run", 20_000);
    await waitFor(() => sidecar.calls() === 2, "the sidecar's run to go on");
    expect(sidecar.errors).toEqual([]);
  });
});
