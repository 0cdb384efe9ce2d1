import { afterEach, describe, expect, it } from "vitest";
import { findBun } from "./helpers/bun.js";
import { ask, eventsWhere, pendingEvents, type RunningApp, startApp } from "./helpers/framework-app.js";
import { tempProject } from "./helpers/temp-project.js";

const BUN = findBun();
const apps: RunningApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
});

async function serve(mode: string): Promise<{ root: string; app: RunningApp }> {
  const { root } = tempProject();
  const app = await startApp("bun-serve-app.mjs", [mode], root, { runtime: BUN });
  apps.push(app);
  return { root, app };
}

const nullRead = (root: string, count = 1) =>
  eventsWhere(root, (e) => e.error.name === "TypeError" && /null/.test(e.error.message), "of reading null", count);

describe.runIf(BUN !== undefined)("Bun.serve: error: spark.wrapServeError()", () => {
  it("records what a `routes` handler threw, and leaves Bun's own answer", async () => {
    const [spark, bare] = [await serve("default"), await serve("off")];
    const answer = await ask(spark.app.url, "/users/3", "b-1");
    expect(answer.status).toBe(500);
    expect(answer).toEqual(await ask(bare.app.url, "/users/3", "b-1"));
    const [event] = await nullRead(spark.root);
    expect(event).toMatchObject({ type: "server-error", status: 500, framework: { name: "bun" } });
    expect(event?.error.stack).toContain("bun-serve-app.mjs");
    // Bun passes the error without its request: there is no route to tell.
    expect(event?.route).toBeUndefined();
  });

  it("keeps the app's own error handler answering", async () => {
    const { root, app } = await serve("own");
    expect(await ask(app.url, "/users/4", "b-2")).toEqual({ status: 503, body: "sorry, try later\n" });
    await nullRead(root);
  });

  it("with fetch wrapped too, a throw is one event: the fetch wrapper's, with its route", async () => {
    const { root, app } = await serve("wrapped");
    expect((await ask(app.url, "/legacy/5", "b-3")).status).toBe(503);
    expect((await ask(app.url, "/users/6", "b-4")).status).toBe(503);
    await nullRead(root, 2);
    expect(
      pendingEvents(root)
        .map((e) => e.route ?? "(no route)")
        .sort(),
    ).toEqual(["(no route)", "GET /legacy/5"]);
  });
});
