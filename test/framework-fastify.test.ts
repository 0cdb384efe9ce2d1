import { expect, it } from "vitest";
import { ask, eventWith, pendingEvents, startApp } from "./helpers/framework-app.js";
import { describeContract } from "./helpers/framework-contract.js";
import { tempProject } from "./helpers/temp-project.js";

describeContract({ label: "Fastify 5", framework: "fastify", fixture: "fastify-app.mjs", args: [] });

it("Fastify: registered last and not awaited, the plugin still sees every route, and the app's error handler decides the status", async () => {
  const { root } = tempProject();
  const app = await startApp("fastify-late-app.mjs", [], root);
  try {
    expect(await ask(app.url, "/reports/7/check", "v-1")).toMatchObject({ status: 422 });
    expect(await ask(app.url, "/reports/7", "r-1")).toEqual({
      status: 503,
      body: JSON.stringify({ problem: "try again later" }),
    });
    expect(await ask(app.url, "/health/db", "h-1")).toMatchObject({ status: 503 });
    await eventWith(root, "health probe failed");
    expect(pendingEvents(root).map((e) => [e.route, e.status, e.error.message])).toEqual([
      ["GET /reports/:id", 503, "report renderer crashed"],
      ["GET /health/:probe", 503, "health probe failed"],
    ]);
  } finally {
    await app.stop();
  }
});
