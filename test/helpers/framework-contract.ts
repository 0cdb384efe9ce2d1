import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Answer, ask, eventsWhere, eventWith, pendingEvents, type RunningApp, startApp } from "./framework-app.js";

/** One framework (and version) under the common contract. */
export interface ContractSubject {
  /** `Express 5`, for the test names. */
  label: string;
  /** The `framework.name` its events carry. */
  framework: string;
  /** Its fixture in test/fixtures/frameworks/ and the arguments before on/off. */
  fixture: string;
  args: string[];
  /** The runtime to start it with (default: this Node). */
  runtime?: string;
  /**
   * False when the framework hands a streaming response over before its errors happen, so no
   * middleware can see them (Hono: they go to the stream helper's `onError`).
   */
  seesErrorsAfterStart?: boolean;
}

/** The TypeError of reading a property of null, whatever the engine's wording. */
const nullRead = (root: string, count = 1) =>
  eventsWhere(root, (e) => e.error.name === "TypeError" && /null/.test(e.error.message), "of reading null", count);

/** The requests whose answers must be the same with and without Spark. */
const SAME_ANSWERS: Array<[string, Parameters<typeof ask>[3]]> = [
  ["/users/1", {}],
  ["/async/1", {}],
  ["/guarded/1", {}],
  ["/missing/1", {}],
  ["/nowhere", {}],
  ["/api/v1/items/1", {}],
  ["/users", { method: "POST", json: { nickname: "x" } }],
  ["/users", { method: "POST", json: { name: "Ada" } }],
  ["/orders", { method: "POST", json: { item: "book" } }],
];

/**
 * The contract every integration keeps, against a real server of the real framework: the
 * error itself with the route pattern, method, status and the app's request id; one
 * fingerprint per route; nothing for deliberate 4xx; the app's answers unchanged; nothing
 * loaded when Spark is off. Each fixture serves the same routes (see `_app-kit.mjs`).
 */
export function describeContract(subject: ContractSubject): void {
  describe(`${subject.label}: the integration's contract`, () => {
    let root: string;
    let app: RunningApp;
    const roots: string[] = [];
    /** A project folder for the whole block (one app serves all its tests). */
    const tempRoot = () => {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), "spark-framework-")));
      roots.push(dir);
      return dir;
    };

    beforeAll(async () => {
      root = tempRoot();
      app = await startApp(subject.fixture, [...subject.args, "on"], root, { runtime: subject.runtime });
    });
    afterAll(async () => {
      await app?.stop();
      for (const dir of roots) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    });

    it("records a handler's throw: the error itself, the route pattern, method, status, the app's request id", async () => {
      const answer = await ask(app.url, "/users/12", "u-12");
      expect(answer.status).toBe(500);
      const [event] = await nullRead(root);
      expect(event).toMatchObject({
        type: "server-error",
        route: "GET /users/:id",
        status: 500,
        traceId: "app-u-12",
        error: { name: "TypeError" },
        framework: { name: subject.framework },
        request: { input: { params: { id: "12" } } },
      });
      expect(event?.error.stack).toContain(subject.fixture);
      expect(event?.framework?.responseStarted).toBeUndefined();
    });

    it("gives three ids of one route one fingerprint", async () => {
      await ask(app.url, "/users/13", "u-13");
      await ask(app.url, "/users/14", "u-14");
      const events = await nullRead(root, 3);
      expect(events.map((e) => e.traceId).sort()).toEqual(["app-u-12", "app-u-13", "app-u-14"]);
      expect(new Set(events.map((e) => e.route))).toEqual(new Set(["GET /users/:id"]));
      expect(new Set(events.map((e) => e.fingerprint)).size).toBe(1);
    });

    it("records an async throw and a throw in a route's middleware", async () => {
      await ask(app.url, "/async/3", "a-3");
      await ask(app.url, "/guarded/4", "g-4");
      const [late] = await eventWith(root, "user store timed out");
      expect(late).toMatchObject({ route: "GET /async/:id", status: 500, traceId: "app-a-3" });
      expect(late?.error.name).toBe("RangeError");
      expect(late?.error.stack).toContain("_app-kit.mjs");
      const [guard] = await eventWith(root, "session store is down");
      expect(guard).toMatchObject({ route: "GET /guarded/:id", status: 500, traceId: "app-g-4" });
    });

    it.runIf(subject.seesErrorsAfterStart !== false)("records an error thrown after the response started", async () => {
      const answer = await ask(app.url, "/stream/5", "s-5", { timeoutMs: 1000 });
      // The client got the headers of a success, then a broken or cut-short body.
      expect(answer.status).toBe(200);
      expect(answer.body.startsWith("partial answer") || answer.broken !== undefined).toBe(true);
      const [event] = await eventWith(root, "stream broke after the headers");
      expect(event).toMatchObject({
        route: "GET /stream/:id",
        status: 500,
        traceId: "app-s-5",
        framework: { name: subject.framework, responseStarted: true },
      });
    });

    it("records the full pattern of a route mounted under a prefix", async () => {
      await ask(app.url, "/api/v1/items/9", "i-9");
      const [event] = await eventWith(root, "item index is corrupt");
      expect(event).toMatchObject({
        route: "GET /api/v1/items/:itemId",
        request: { input: { params: { itemId: "9" } } },
      });
    });

    it("records the request's body and query, redacted", async () => {
      await ask(app.url, "/orders?coupon=SPRING", "o-1", {
        method: "POST",
        json: { item: "book", password: "hunter2", card: { number: "4111111111111111" } },
      });
      const [event] = await eventWith(root, "payment service refused the order");
      expect(event).toMatchObject({
        route: "POST /orders",
        request: { input: { query: { coupon: "SPRING" }, body: { item: "book", password: "[REDACTED]" } } },
      });
      expect(JSON.stringify(event)).not.toContain("hunter2");
    });

    it("records nothing for deliberate client errors (404, 400, an unknown route)", async () => {
      const answers: Answer[] = [
        await ask(app.url, "/missing/6", "d-1"),
        await ask(app.url, "/users", "d-2", { method: "POST", json: { nickname: "no name" } }),
        await ask(app.url, "/users", "d-3", { method: "POST", raw: "{not json" }),
        await ask(app.url, "/nowhere", "d-4"),
      ];
      expect(answers.map((a) => a.status)).toEqual([404, 400, 400, 404]);
      // A failure after them: once its event is written, theirs would have been too.
      await ask(app.url, "/users/77", "sentinel");
      await nullRead(root, 4);
      const deliberate = pendingEvents(root).filter((e) => e.traceId.startsWith("app-d-"));
      expect(deliberate).toEqual([]);
      expect(pendingEvents(root).every((e) => (e.status ?? 0) >= 500)).toBe(true);
    });

    it("leaves the app's own answers as they were without Spark", async () => {
      const bareRoot = tempRoot();
      const bare = await startApp(subject.fixture, [...subject.args, "off"], bareRoot, { runtime: subject.runtime });
      try {
        for (const [path, init] of SAME_ANSWERS) {
          const id = `same-${path}`;
          const [withSpark, without] = [await ask(app.url, path, id, init), await ask(bare.url, path, id, init)];
          expect({ path, ...withSpark }).toEqual({ path, ...without });
        }
      } finally {
        await bare.stop();
      }
    });

    it("with SPARK_ENABLED=0 answers the same, writes nothing and loads nothing", async () => {
      const offRoot = tempRoot();
      const off = await startApp(subject.fixture, [...subject.args, "on"], offRoot, {
        runtime: subject.runtime,
        env: { SPARK_ENABLED: "0" },
      });
      try {
        const answer = await ask(off.url, "/users/1", "off-1");
        expect(answer.status).toBe(500);
        await ask(off.url, "/stream/1", "off-2", { timeoutMs: 1000 });
        await ask(off.url, "/users/2", "off-3");
        // The emitter's core makes `.spark/` when it loads: it never did.
        expect(existsSync(join(offRoot, ".spark"))).toBe(false);
      } finally {
        await off.stop();
      }
    });
  });
}
