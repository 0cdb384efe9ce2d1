import { existsSync } from "node:fs";
import { join } from "node:path";
import { fauxAssistantMessage, fauxToolCall } from "@mariozechner/pi-ai";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { listApprovals } from "../bus/approvals.js";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { statusSchema } from "../cli/schemas.js";
import { answerResultSchema } from "../cli/schemas-approvals.js";
import { manifest } from "./helpers/cli.js";
import { type PiHarness, startPi } from "./helpers/pi-sdk.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const running: PiHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.shutdown();
});

/** Production as `spark init` sets it up: write/edit/bash ask first; `timeoutMinutes` as given. */
const config = (timeoutMinutes: number) =>
  `export default { environment: "production", environments: { production: { tools: "approve", behavior: "fix" } }, approvals: { timeoutMinutes: ${timeoutMinutes} }, debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n`;

const writer = { environment: "production", host: "test", pid: process.pid, redactKeys: [] };
const serverError = (paths: BusPaths) =>
  emitEvent(
    paths,
    {
      type: "server-error",
      feature: "create-user",
      route: "POST /users",
      status: 500,
      error: new TypeError("Cannot read properties of undefined (reading 'toUpperCase')"),
    },
    writer,
  );

/** A sidecar whose model answers the event with one bash call, then a closing sentence. */
async function sidecarWithBash(root: string, command: string): Promise<PiHarness> {
  const pi = await startPi(root, "sidecar", {
    steps: [
      fauxAssistantMessage(fauxToolCall("bash", { command }), { stopReason: "toolUse" }),
      fauxAssistantMessage("Done."),
    ],
  });
  running.push(pi);
  return pi;
}

const status = async (root: string) => statusSchema.parse((await manifest(["spark", "status", "--json"], root)).json());

/** The text of the tool result Pi recorded for the bash call. */
function bashResult(pi: PiHarness): { text: string; isError: boolean } | undefined {
  const message = pi.session.messages.find((m) => (m as { role: string }).role === "toolResult") as
    | { content: Array<{ type: string; text?: string }>; isError: boolean }
    | undefined;
  return message && { text: message.content.map((p) => p.text ?? "").join(""), isError: message.isError };
}

describe('tools: "approve" with a real Pi session', () => {
  it("holds a bash call until it is approved from the CLI, then runs it; status shows it pending, then approved", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": config(10) });
    const marker = join(root, "ran.txt");
    const pi = await sidecarWithBash(root, `echo ran > ${marker}`);
    const event = serverError(paths);

    const pending = await waitFor(async () => (await status(root)).approvals.pending[0], "a pending request", 20_000);
    expect(pending).toMatchObject({ tool: "bash", summary: `echo ran > ${marker}`, state: "pending" });
    expect(pending.args).toEqual({ command: `echo ran > ${marker}` });
    expect(pending.remainingMs).toBeGreaterThan(9 * 60_000);
    expect(pending.cause).toMatchObject({ kind: "events", events: [{ id: event.id, type: "server-error" }] });
    expect(pending.cause.kind === "events" && pending.cause.events[0]?.line).toContain("create-user");
    // Nothing ran while it waits.
    expect(existsSync(marker)).toBe(false);
    expect(pi.ui.notifications.some((n) => n.text.includes(`manifest spark approve ${pending.id}`))).toBe(true);

    const approved = await manifest(["spark", "approve", pending.id, "--by", "alice", "--json"], root);
    expect(approved.code, approved.stderr).toBe(0);
    expect(answerResultSchema.parse(approved.json())).toMatchObject({ answer: { answer: "approve", by: "alice" } });

    await waitFor(() => existsSync(marker), "the approved command to run", 20_000);
    await waitFor(() => pi.session.isStreaming === false && pi.calls() === 2, "the run to end");
    expect(bashResult(pi)?.isError).toBe(false);
    const after = await status(root);
    expect(after.approvals.pending).toEqual([]);
    expect(after.approvals.recent[0]).toMatchObject({ id: pending.id, state: "approved", answer: { by: "alice" } });

    // Answered once: a second answer is refused and changes nothing.
    const again = await manifest(["spark", "deny", pending.id], root);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already approved by alice`);
    expect(pi.errors).toEqual([]);
  });

  it("does not run a denied call, and tells the agent who denied it and why", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": config(10) });
    const marker = join(root, "ran.txt");
    const pi = await sidecarWithBash(root, `echo ran > ${marker}`);
    serverError(paths);
    const pending = await waitFor(async () => (await status(root)).approvals.pending[0], "a pending request", 20_000);

    // No id: the only waiting request.
    const denied = await manifest(["spark", "deny", "--by", "bob", "--reason", "not on prod"], root);
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toContain(`denied ${pending.id} bash echo ran`);

    await waitFor(() => bashResult(pi) !== undefined, "the tool result", 20_000);
    expect(bashResult(pi)).toEqual({
      text: expect.stringContaining("bob denied this bash call: not on prod"),
      isError: true,
    });
    await waitFor(() => pi.calls() === 2, "the model to hear it");
    expect(existsSync(marker)).toBe(false);
    expect((await status(root)).approvals.recent[0]).toMatchObject({
      id: pending.id,
      state: "denied",
      answer: { by: "bob", reason: "not on prod" },
    });
  });

  it("denies a call nobody answers once the time is up", async () => {
    // 0.02 minutes: 1.2 seconds. The request is looked for on disk: a CLI round trip may take longer.
    const { root, paths } = tempProject({ "config/spark.ts": config(0.02) });
    const marker = join(root, "ran.txt");
    const pi = await sidecarWithBash(root, `echo ran > ${marker}`);
    serverError(paths);
    const pending = await waitFor(() => listApprovals(paths)[0]?.request, "a request on disk", 20_000);

    await waitFor(() => bashResult(pi) !== undefined, "the tool result", 20_000);
    expect(bashResult(pi)?.text).toContain("Nobody approved this bash call within 0.02 minutes");
    expect(existsSync(marker)).toBe(false);
    const after = await status(root);
    expect(after.approvals.pending).toEqual([]);
    expect(after.approvals.recent[0]).toMatchObject({ id: pending.id, state: "timed-out" });
    // Too late to say yes.
    const late = await manifest(["spark", "approve", pending.id], root);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("already timed-out");
  });
});
