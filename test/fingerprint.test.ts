import { describe, expect, it } from "vitest";
import { fingerprint, normalizeMessage, topFrame } from "../bus/fingerprint.js";

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
});
