import { afterEach, describe, expect, it } from "vitest";
import { ask, eventWith, pendingEvents, type RunningApp, startApp } from "./helpers/framework-app.js";
import { describeContract } from "./helpers/framework-contract.js";
import { tempProject } from "./helpers/temp-project.js";

describe.each([
  { label: "Express 4", pkg: "express4" },
  { label: "Express 5", pkg: "express" },
])("$label", ({ label, pkg }) => {
  describeContract({ label, framework: "express", fixture: "express-app.mjs", args: [pkg] });
});

describe("Express, beyond the contract", () => {
  const apps: RunningApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });

  it("still records the error when reading the app's request id throws, and answers as before", async () => {
    const { root } = tempProject();
    const app = await startApp("express-app.mjs", ["express", "on"], root);
    apps.push(app);
    const answer = await ask(app.url, "/hostile/1", "h-1");
    expect(answer).toMatchObject({ status: 500, body: JSON.stringify({ error: "internal", requestId: "h-1" }) });
    const [event] = await eventWith(root, "Cannot read properties of null (reading 'name')");
    expect(event).toMatchObject({ route: "GET /hostile/:id", status: 500 });
    expect(event?.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.output.stderr()).toBe("");
  });

  it("inside the outer node wrapper too, one failure is one event: the integration's", async () => {
    const { root } = tempProject();
    const app = await startApp("express-app.mjs", ["express", "wrapped"], root);
    apps.push(app);
    await ask(app.url, "/users/5", "w-5");
    await ask(app.url, "/guarded/6", "w-6");
    await eventWith(root, "session store is down");
    // Both responses are over (their events exist); a wrapper's own event would be written on
    // `finish`, before the integration's on `close`.
    expect(pendingEvents(root).map((e) => [e.route, e.error.message])).toEqual([
      ["GET /users/:id", "Cannot read properties of null (reading 'name')"],
      ["GET /guarded/:id", "session store is down"],
    ]);
  });
});
