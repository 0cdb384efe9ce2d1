import { describe, expect, it } from "vitest";
import { createConversationLog } from "../sidecar/dashboard/conversation-log.js";
import { conversationFrame, entryLines, watchOnlyLines } from "../sidecar/dashboard/conversation-view.js";
import { plain, width } from "../sidecar/dashboard/text.js";
import type { HostItem } from "../sidecar/host.js";
import { watchOnlyInfo } from "../sidecar/watch-only.js";

const feed = (items: HostItem[], limits?: Parameters<typeof createConversationLog>[0]) => {
  const log = createConversationLog(limits);
  for (const item of items) log.apply(item);
  return log;
};

describe("the conversation log", () => {
  it("streams an answer from deltas, then takes the final text; tool calls get their result", () => {
    const log = feed([
      { kind: "run-start" },
      { kind: "user", text: "fix it" },
      { kind: "assistant-delta", delta: "Look" },
      { kind: "assistant-delta", delta: "ing" },
    ]);
    expect(log.running()).toBe(true);
    expect(log.entries().at(-1)).toEqual({ kind: "assistant", text: "Looking", streaming: true });
    log.apply({ kind: "assistant", text: "Looking at it." });
    log.apply({ kind: "tool-start", id: "t1", name: "bash", summary: "npm test" });
    expect(log.entries().at(-1)).toMatchObject({ kind: "tool", state: "running", summary: "npm test" });
    log.apply({ kind: "tool-end", id: "t1", name: "bash", ok: false, summary: "1 failed" });
    log.apply({ kind: "assistant", text: "" });
    log.apply({ kind: "run-end" });
    expect(log.running()).toBe(false);
    expect(log.entries()).toEqual([
      { kind: "user", text: "fix it" },
      { kind: "assistant", text: "Looking at it.", streaming: false, error: undefined },
      { kind: "tool", id: "t1", name: "bash", summary: "npm test", state: "failed", result: "1 failed" },
    ]);
  });

  it("keeps a model error, notices, Spark messages, and ignores status items", () => {
    const log = feed([
      { kind: "assistant", text: "", error: "401 bad token" },
      { kind: "notice", level: "warning", text: "careful" },
      { kind: "spark", customType: "spark-events", text: "# Spark: 2 events" },
    ]);
    expect(log.apply({ kind: "status", text: "x" })).toBe(false);
    expect(log.entries().map((e) => e.kind)).toEqual(["assistant", "notice", "spark"]);
    expect(log.entries()[2]).toMatchObject({ label: "events" });
  });

  it("stays bounded: old entries go, long texts are cut", () => {
    const items: HostItem[] = Array.from({ length: 1000 }, (_, i) => ({ kind: "user", text: `message ${i}` }));
    const log = feed([...items, { kind: "user", text: "x".repeat(500) }], { maxEntries: 50, maxText: 100 });
    expect(log.entries().length).toBeLessThanOrEqual(50 + 32);
    expect(log.entries().at(-2)).toEqual({ kind: "user", text: "message 999" });
    expect((log.entries().at(-1) as { text: string }).text).toMatch(/^x{100}\n… \(400 more characters\)$/);
  });
});

describe("the conversation pane", () => {
  it("draws each kind of entry within the width", () => {
    const lines = [
      ...entryLines({ kind: "user", text: "why does create-user fail for one-word names?" }, 30),
      ...entryLines({ kind: "tool", id: "1", name: "bash", summary: "npm test", state: "ok", result: "3 passed" }, 30),
      ...entryLines({ kind: "spark", label: "events", text: "# ⚡ Spark: 1 event\n\na\nb\nc\nd" }, 30),
      ...entryLines({ kind: "notice", level: "error", text: "boom" }, 30),
    ];
    expect(lines.map(plain)).toEqual([
      "› why does create-user fail",
      "  for one-word names?",
      "✔ bash npm test → 3 passed",
      "* events Spark: 1 event",
      "  a",
      "  b",
      "  … 2 more lines",
      "✖ boom",
    ]);
    for (const l of lines) expect(width(l)).toBeLessThanOrEqual(30);
  });

  it("shows the newest lines, scrolls up, and pins the watch-only explanation on top", () => {
    const log = feed(Array.from({ length: 20 }, (_, i) => ({ kind: "user", text: `m${i}` }) as HostItem));
    const bottom = conversationFrame(log.entries(), 40, 5, 0);
    expect(bottom.lines.map(plain)).toEqual(["› m15", "› m16", "› m17", "› m18", "› m19"]);
    // A page up from the bottom has a full page to go to.
    expect(bottom.maxScroll).toBeGreaterThanOrEqual(5);
    expect(conversationFrame(log.entries(), 40, 5, 3).lines.map(plain).at(-1)).toBe("› m16");
    const pinned = watchOnlyLines(watchOnlyInfo(undefined, "/home/u/.pi/agent"), 200);
    expect(pinned.map(plain).join("\n")).toContain("No model: the sidecar only watches.");
    expect(pinned.map(plain).join("\n")).toContain("/login");
    const withPin = conversationFrame(log.entries(), 200, pinned.length + 2, 0, pinned);
    expect(withPin.lines.slice(-2).map(plain)).toEqual(["› m18", "› m19"]);
    expect(conversationFrame([], 40, 3, 0).lines.map(plain)[0]).toContain("Nothing yet");
  });
});
