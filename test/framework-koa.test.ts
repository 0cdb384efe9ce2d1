import { describe, expect, it } from "vitest";
import { ask, eventWith, pendingEvents, startApp } from "./helpers/framework-app.js";
import { describeContract } from "./helpers/framework-contract.js";
import { tempProject } from "./helpers/temp-project.js";

describe.each([
  { label: "Koa 2", pkg: "koa2" },
  { label: "Koa 3", pkg: "koa" },
])("$label", ({ label, pkg }) => {
  describeContract({ label, framework: "koa", fixture: "koa-app.mjs", args: [pkg] });
});

describe.each(["koa2", "koa"])("%s with Koa's own error handling", (pkg) => {
  it("records a throw once (the middleware and Koa's error event see it both), and no ctx.throw(4xx)", async () => {
    const { root } = tempProject();
    const app = await startApp("koa-default-app.mjs", [pkg], root);
    try {
      expect(await ask(app.url, "/invoices/4/pdf", "k-1")).toEqual({ status: 406, body: "only PDF is served" });
      expect(await ask(app.url, "/teapot/2", "k-2")).toMatchObject({ status: 418 });
      expect(await ask(app.url, "/invoices/4", "k-3")).toEqual({ status: 500, body: "Internal Server Error" });
      await eventWith(root, "invoice template is missing");
      expect(pendingEvents(root).map((e) => [e.route, e.status, e.traceId, e.error.message])).toEqual([
        ["GET /invoices/:id", 500, "k-3", "invoice template is missing"],
      ]);
    } finally {
      await app.stop();
    }
  });
});
