import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { call, openEvents, piEvent, startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

/** The approve queue (`tools: "approve"`) through the bridge, over a real sidecar and Pi session. */

const CONFIG =
  'export default { environment: "production", environments: { production: { tools: "approve", behavior: "fix" } }, debounce: { windowMs: 50 } };\n';

let model: MockModel;
let sidecar: WebSidecar;
let root: string;

beforeAll(async () => {
  requireBuild();
  root = tempProject({ "package.json": '{"name":"app"}', "config/spark.ts": CONFIG }).root;
  model = await startMockModel();
  sidecar = await startWebSidecar(root, model);
}, 60_000);

afterAll(async () => {
  await sidecar?.stop();
  await model?.close();
});

describe("the approve queue through the bridge", () => {
  it("streams a waiting bash call, lists it, runs it once approved, and refuses a second answer", async () => {
    onTestFailed(() => console.error(sidecar.stderr()));
    const marker = join(root, "ran.txt");
    const events = await openEvents(sidecar);
    model.push({ tool: "bash", args: { command: `echo ran > ${marker}` } }, { text: "Done." });
    await call(sidecar, "POST", "/starter/prompt", { message: "write the marker" });

    const waiting = await events.next(
      (m) => m.event === "approvals" && (m.json.pending as unknown[]).length === 1,
      "the waiting call",
    );
    const view = (waiting.json.pending as Array<{ request: { id: string; tool: string; summary: string } }>)[0];
    expect(view?.request).toMatchObject({ tool: "bash", summary: `echo ran > ${marker}` });
    const id = view?.request.id as string;
    expect(existsSync(marker)).toBe(false);
    const listed = await call(sidecar, "GET", "/starter/spark/approvals");
    expect(listed.json.approvals).toEqual([
      expect.objectContaining({ state: "pending", request: expect.objectContaining({ id }) }),
    ]);
    expect((await call(sidecar, "GET", "/starter/spark")).json.approvals).toBe(1);

    const unknown = await call(sidecar, "POST", "/starter/spark/approvals/0badc0de/approve", {});
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ field: "id" });
    const approved = await call(sidecar, "POST", `/starter/spark/approvals/${id}/approve`, { by: "alice" });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ ok: true, answer: { answer: "approve", by: "alice" } });
    await events.next(piEvent("agent_end"), "the end of the run");
    expect(existsSync(marker)).toBe(true);
    await events.next((m) => m.event === "approvals" && (m.json.pending as unknown[]).length === 0, "the queue empty");

    const again = await call(sidecar, "POST", `/starter/spark/approvals/${id}/deny`, { reason: "too late" });
    expect(again.status).toBe(409);
    expect(String(again.json.error)).toContain("already approved by alice");
    events.close();
  });
});
