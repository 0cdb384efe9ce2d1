import { describe, expect, it } from "vitest";
import {
  clean,
  clip,
  fit,
  type Line,
  overlay,
  plain,
  slice,
  toTags,
  width,
  wrap,
  wrapText,
} from "../sidecar/dashboard/text.js";

describe("clean", () => {
  it("leaves plain ASCII alone", () => {
    expect(clean("GET /users 500")).toBe("GET /users 500");
  });

  it("drops wide icons with their space, maps wide symbols to narrow ones, keeps narrow symbols", () => {
    expect(clean("⚡ Spark caught a 500")).toBe("Spark caught a 500");
    expect(clean("✅ done ❌ failed")).toBe("✔ done ✖ failed");
    expect(clean("⏸ held · ▶ go ✔ ok ✖ no → ×3 …")).toBe("⏸ held · ▶ go ✔ ok ✖ no → ×3 …");
  });

  it("makes every UTF-16 unit one cell: emoji go, CJK becomes two placeholders, controls and joiners vanish", () => {
    expect(clean("🤖 Agent joined")).toBe("Agent joined");
    expect(clean("a👍🏽b")).toBe("ab");
    expect(clean("名前")).toBe("????");
    expect(clean("tab\there\u0007\u200d\ufe0f")).toBe("tab  here");
    expect(clean("e\u0301")).toBe("e");
    expect(clean("𝐀")).toBe("?");
  });
});

describe("measuring and cutting styled lines", () => {
  const line: Line = [
    { text: "held", style: "yellow-fg" },
    { text: " ×3 " },
    { text: "server-error", style: "red-fg" },
  ];

  it("measures, clips and fits to an exact width", () => {
    expect(width(line)).toBe(20);
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("abc", 4)).toBe("abc");
    expect(plain(fit(line, 10))).toBe("held ×3 s…");
    expect(fit(line, 10).at(-1)?.style).toBe("red-fg");
    expect(plain(fit(line, 24))).toBe("held ×3 server-error    ");
    expect(width(fit(line, 0))).toBe(0);
  });

  it("slices cells across runs and overlays a box on a screen", () => {
    expect(plain(slice(line, 2, 9))).toBe("ld ×3 s");
    const base: Line[] = [[{ text: "0123456789" }], [{ text: "abcdefghij" }]];
    const out = overlay(base, [[{ text: "XY", style: "bold" }]], 3, 1);
    expect(out.map(plain)).toEqual(["0123456789", "abcXYfghij"]);
    expect(overlay(base, [[{ text: "Z" }]], 0, 5).map(plain)).toEqual(["0123456789", "abcdefghij"]);
  });

  it("word-wraps, breaking words only when there is no space in reach", () => {
    expect(wrap("the quick brown fox jumps", 10)).toEqual(["the quick", "brown fox", "jumps"]);
    expect(wrap("/a/very/long/path/without/spaces", 10)).toEqual(["/a/very/lo", "ng/path/wi", "thout/spac", "es"]);
    expect(wrapText("one\r\n\ntwo ⚡ three", 20)).toEqual(["one", "", "two three"]);
  });

  it("writes blessed tags with braces escaped", () => {
    expect(toTags([{ text: "{x}", style: "bold red-fg" }, { text: " y" }])).toBe("{bold}{red-fg}{open}x{close}{/} y");
  });
});
