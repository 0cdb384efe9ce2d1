import { describe, expect, it } from "vitest";
import { buildEvent } from "../bus/build-event.js";
import { errorNameFromStack, fingerprint, normalizeMessage, normalizeRoute, topFrame } from "../bus/fingerprint.js";

const stackAt = (line: number, root = "/home/a/app") =>
  `TypeError: x\n    at createUser (${root}/features/create-user.js:${line}:17)\n    at route (${root}/server.js:88:5)`;

describe("fingerprints", () => {
  it("group repeats whose ids, numbers and line numbers differ", () => {
    const a = fingerprint({
      type: "server-error",
      feature: "create-user",
      error: {
        name: "TypeError",
        message: "user 42 not found (id 3f2a9c1e-1111-4222-8333-444455556666)",
        stack: stackAt(12),
      },
    });
    const b = fingerprint({
      type: "server-error",
      feature: "create-user",
      error: {
        name: "TypeError",
        message: "user 7 not found (id 9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d)",
        stack: stackAt(14, "/srv/other"),
      },
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it("tell different problems apart", () => {
    const base = { type: "server-error", feature: "create-user", error: { name: "TypeError", message: "boom" } };
    const variants = [
      fingerprint(base),
      fingerprint({ ...base, feature: "delete-user" }),
      fingerprint({ ...base, type: "unhandled-error" }),
      fingerprint({ ...base, error: { name: "RangeError", message: "boom" } }),
      fingerprint({ ...base, error: { name: "TypeError", message: "other" } }),
      fingerprint({ ...base, error: { name: "TypeError", message: "boom", stack: stackAt(1) } }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
  });

  it("use the command for process errors", () => {
    const run = (command: string) =>
      fingerprint({ type: "process-error", command, error: { message: "exited with code 1" } });
    expect(run("npm test")).toBe(run("npm test"));
    expect(run("npm test")).not.toBe(run("npm run lint"));
  });

  it("mask what varies in a message", () => {
    expect(normalizeMessage("timeout after 3000ms on 0xdeadbeef99")).toBe("timeout after <n>ms on <hex>");
  });

  it("take the top frame without folders or line numbers", () => {
    expect(topFrame(stackAt(12))).toBe("at createUser (create-user.js)");
    expect(topFrame("no frames here")).toBe("");
    expect(topFrame(undefined)).toBe("");
  });

  it("group one endpoint's failures whatever ids its URLs carry", () => {
    const at = (route: string) =>
      fingerprint({ type: "server-error", route, error: { name: "Error", message: "HTTP 500" } });
    const one = at("GET /users/1");
    expect(at("GET /users/2")).toBe(one);
    expect(at("GET /users/99817?tab=orders")).toBe(one);
    expect(at("GET /users/3f2a9c1e-1111-4222-8333-444455556666")).toBe(one);
    expect(at("GET /users/65a1f0c2b3e4d5a6b7c8d9e0")).toBe(one);
    expect(at("GET /orders/1")).not.toBe(one);
    expect(at("POST /users/1")).not.toBe(one);
  });

  it("keep a framework's route pattern as it is, and give a raw route the same fingerprint as its `:id` pattern", () => {
    for (const pattern of [
      "GET /users/:id",
      "/users/:userId/posts/:postId",
      "GET /users/{id}",
      "/v2/users/[id]",
      "/files/*",
      "/api/v1/health",
    ]) {
      expect(normalizeRoute(pattern)).toBe(pattern);
    }
    expect(normalizeRoute("GET /users/42")).toBe("GET /users/:id");
    // Words stay words, even when they happen to be hex.
    expect(normalizeRoute("/accede/facade/decade")).toBe("/accede/facade/decade");
    const at = (route: string) => fingerprint({ type: "server-error", route, error: { message: "HTTP 500" } });
    expect(at("GET /users/:id")).toBe(at("GET /users/123"));
  });

  it("take the error's name from the stack when the event has none: a plain object and a thrown Error are one problem", () => {
    const writer = { environment: "test", host: "h", pid: 1 };
    const thrown = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    const plain = { message: thrown.message, stack: thrown.stack };
    const a = buildEvent({ type: "server-error", feature: "db", error: thrown }, writer).event.fingerprint;
    const b = buildEvent({ type: "server-error", feature: "db", error: plain }, writer).event.fingerprint;
    expect(b).toBe(a);
    expect(errorNameFromStack("TypeError: x\n    at f (a.js:1:1)")).toBe("TypeError");
    expect(errorNameFromStack("Error [ERR_INVALID_ARG_TYPE]: bad")).toBe("Error");
    expect(errorNameFromStack("ValidationException: no")).toBe("ValidationException");
    expect(errorNameFromStack("    at f (a.js:1:1)")).toBeUndefined();
    expect(errorNameFromStack("just some words: here")).toBeUndefined();
  });
});
