import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SessionManager } from "@mariozechner/pi-coding-agent";
import { describe, expect, it } from "vitest";
import { ownSessionFile, releaseSessionFile, removeStaleEmptySessionFiles } from "../sidecar/session-file.js";
import { tempProject } from "./helpers/temp-project.js";

const mode = (file: string) => statSync(file).mode & 0o777;

/** What Pi writes on a first exchange: the header and both messages, at the assistant's reply. */
function exchange(manager: SessionManager): void {
  manager.appendMessage({ role: "user", content: [{ type: "text", text: "hello" }], timestamp: Date.now() });
  manager.appendMessage({
    role: "assistant",
    content: [{ type: "text", text: "hi" }],
    api: "openai-completions",
    provider: "mock",
    model: "mock-model",
    usage: {
      input: 0,
      output: 0,
      cacheRead: 0,
      cacheWrite: 0,
      totalTokens: 0,
      cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
    },
    stopReason: "stop",
    timestamp: Date.now(),
  });
}

describe("the sidecar's session file", () => {
  it("is 0600 before Pi writes its first byte, and Pi appends into it (without it, Pi makes it 0644)", () => {
    const { root } = tempProject();
    const dir = join(root, ".spark", "sessions");
    mkdirSync(dir, { recursive: true });
    const previous = process.umask(0o022);
    try {
      // The cause: Pi creates the file at its first flush with the umask's mode.
      const bare = SessionManager.create(root, dir);
      exchange(bare);
      expect(mode(bare.getSessionFile() as string)).toBe(0o644);

      const owned = SessionManager.create(root, dir);
      const file = owned.getSessionFile() as string;
      ownSessionFile(file);
      expect(statSync(file).size).toBe(0);
      expect(mode(file)).toBe(0o600);
      exchange(owned);
      expect(mode(file)).toBe(0o600);
      expect(readFileSync(file, "utf8")).toContain('"type":"session"');
      // Pi reads it back as a session: continuing works as before.
      const continued = SessionManager.open(file, dir);
      expect(continued.getEntries().map((e) => e.type)).toEqual(["message", "message"]);
    } finally {
      process.umask(previous);
    }
  });

  it("tightens a file continued from before, never truncates it, and removes one Pi never wrote", () => {
    const { root } = tempProject();
    const dir = join(root, "sessions");
    mkdirSync(dir);
    const old = join(dir, "old.jsonl");
    writeFileSync(old, '{"type":"session","id":"x"}\n', { mode: 0o644 });
    ownSessionFile(old);
    expect(mode(old)).toBe(0o600);
    expect(readFileSync(old, "utf8")).toBe('{"type":"session","id":"x"}\n');
    releaseSessionFile(old);
    expect(existsSync(old)).toBe(true);

    const unused = join(dir, "unused.jsonl");
    ownSessionFile(unused);
    releaseSessionFile(unused);
    expect(existsSync(unused)).toBe(false);
  });

  it("sweeps empty files a killed sidecar left, but not a fresh one (another sidecar's, about to be written)", () => {
    const { root } = tempProject();
    const stale = join(root, "stale.jsonl");
    const fresh = join(root, "fresh.jsonl");
    const full = join(root, "full.jsonl");
    for (const f of [stale, fresh]) writeFileSync(f, "");
    writeFileSync(full, "{}\n");
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const f of [stale, full]) utimesSync(f, hourAgo, hourAgo);
    removeStaleEmptySessionFiles(root);
    expect([existsSync(stale), existsSync(fresh), existsSync(full)]).toEqual([false, true, true]);
  });
});
