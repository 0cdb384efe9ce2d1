import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HELLO_APP_FIX_EDIT } from "../sidecar/replay-model.js";
import { copyHelloApp, createUser, startHelloApp, waitForFixed } from "./helpers/hello-app.js";
import { freePort } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const events = (root: string) =>
  readdirSync(join(root, ".spark/events"))
    .filter((n) => n.endsWith(".json"))
    .map((n) => JSON.parse(readFileSync(join(root, ".spark/events", n), "utf8")) as Record<string, unknown>);

describe("the example app", () => {
  it("returns a 500 for a one-word name and leaves one event that points at the bug", async () => {
    const { root } = tempProject();
    copyHelloApp(root);
    const app = await startHelloApp(root);
    try {
      expect((await createUser(app.url, { name: "Ada Lovelace" })).status).toBe(200);
      const failed = await createUser(
        app.url,
        { name: "Ada", email: "ada@example.com", password: "s3cret-pw" },
        "req-42",
      );
      expect(failed.status).toBe(500);
      const all = events(root);
      expect(all).toHaveLength(1);
      const event = all[0] as Record<string, unknown> & { error: { message: string; stack: string } };
      expect(event).toMatchObject({
        type: "server-error",
        feature: "create-user",
        route: "POST /users",
        status: 500,
        traceId: "req-42",
        source: { app: "hello-app" },
        request: { input: { name: "Ada", email: "ada@example.com", password: "[REDACTED]" } },
      });
      expect(event.error.message).toContain("toUpperCase");
      expect(event.error.stack).toContain("features/create-user.js");
      expect(JSON.stringify(event)).not.toContain("s3cret-pw");
    } finally {
      await app.stop();
    }
  });

  it("answers its own 400 (name is required) as a 400, with no event: a deliberate 4xx is not a server error", async () => {
    const { root } = tempProject();
    copyHelloApp(root);
    const app = await startHelloApp(root);
    try {
      const missing = await createUser(app.url, { email: "ada@example.com" });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ status: 400, message: "name is required" });
      const empty = await createUser(app.url, { name: " " });
      expect(empty.status).toBe(400);
      expect(existsSync(join(root, ".spark/events")) ? events(root) : []).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it("serves the same request with a 200 once the feature is fixed (node --watch reloads it)", async () => {
    const { root } = tempProject();
    copyHelloApp(root);
    // A fixed port: node --watch restarts the server after the edit.
    const app = await startHelloApp(root, { watch: true, env: { PORT: String(await freePort()) } });
    try {
      expect((await createUser(app.url, { name: "Ada" })).status).toBe(500);
      const file = join(root, "features/create-user.js");
      const [edit] = HELLO_APP_FIX_EDIT.edits;
      writeFileSync(file, readFileSync(file, "utf8").replace(edit?.oldText ?? "", edit?.newText ?? ""));
      expect(await waitForFixed(app.url)).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
