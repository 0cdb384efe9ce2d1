import { describe, expect, it } from "vitest";
import { shrinkValue, truncateHead, truncateTail } from "../bus/limits.js";

describe("size limits", () => {
  it("keep the head of a long text within the byte limit, marking the cut", () => {
    const out = truncateHead("x".repeat(20_000), 1000);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1000);
    expect(out).toMatch(/\[Truncated: \d+ bytes\]$/);
  });

  it("never split a multi-byte character", () => {
    const out = truncateHead("é".repeat(1000), 101);
    expect(out).not.toContain("\uFFFD");
  });

  it("keep the last lines of a tail, then the last bytes", () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n");
    const out = truncateTail(`${lines}\n`, 50, 8192);
    expect(out.split("\n")).toHaveLength(50);
    expect(out.split("\n")[0]).toBe("line 150");
    const wide = truncateTail(Array.from({ length: 50 }, (_, i) => `${i} ${"y".repeat(400)}`).join("\n"), 50, 2048);
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(2048);
    expect(wide.endsWith("y")).toBe(true);
  });

  it("shrink a large value until it serialises within the limit", () => {
    const input = {
      user: { name: "bob", bio: "b".repeat(10_000) },
      items: Array.from({ length: 500 }, (_, i) => ({ i })),
    };
    const out = shrinkValue(input, 4096);
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(4096);
    expect(JSON.stringify(out)).toContain("Truncated");
    expect(JSON.stringify(out)).toContain('"bob"');
  });

  it("leave a small value as it is", () => {
    const input = { a: 1, b: ["x"] };
    expect(shrinkValue(input, 4096)).toBe(input);
  });
});
