import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingPiTools, missingToolsNote, piToolsDir } from "../cli/up/pi-tools.js";

describe("Pi's search tools", () => {
  const env = { PATH: "/usr/local/bin:/usr/bin", PI_CODING_AGENT_DIR: "/home/a/.pi/agent" };

  it("finds fd (or Debian's fdfind) and rg on PATH or in Pi's own tools folder", () => {
    const have = (files: string[]) => (path: string) => files.includes(path);
    expect(missingPiTools(env, have([]))).toEqual(["fd", "ripgrep"]);
    expect(missingPiTools(env, have(["/usr/bin/fdfind", "/usr/local/bin/rg"]))).toEqual([]);
    expect(missingPiTools(env, have([join(piToolsDir(env), "fd")]))).toEqual(["ripgrep"]);
  });

  it("says once, in Spark's words, what is missing and how to install it", () => {
    expect(missingToolsNote([])).toBeUndefined();
    const note = missingToolsNote(["fd", "ripgrep"]) ?? "";
    expect(note).toContain("Pi's file search needs fd and ripgrep");
    expect(note).toContain("sudo apt-get install fd-find ripgrep");
    expect(note).toContain("brew install fd ripgrep");
    expect(note).toContain("starts offline");
  });
});
