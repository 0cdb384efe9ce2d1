import { closeSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openLog, pruneLogs } from "../cli/run/log-files.js";
import { tempProject } from "./helpers/temp-project.js";

describe("openLog", () => {
  it("creates a private log, and never reuses a name within one second", () => {
    const { root, paths } = tempProject();
    const at = new Date(2026, 0, 2, 3, 4, 5);
    const first = openLog(paths, "dev", at);
    const second = openLog(paths, "dev", at);
    closeSync(first.fd);
    closeSync(second.fd);
    expect(first.shown).toBe(".spark/logs/dev-2026-01-02-030405.log");
    expect(second.shown).toBe(".spark/logs/dev-2026-01-02-030405-2.log");
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(statSync(paths.logs).mode & 0o777).toBe(0o700);
    expect(existsSync(join(root, ".spark/.gitignore"))).toBe(true);
  });
});

describe("pruneLogs", () => {
  it("deletes the oldest logs of the name only", () => {
    const { paths } = tempProject({
      ".spark/logs/dev-2026-01-01-000000.log": "",
      ".spark/logs/dev-2026-01-02-000000.log": "",
      ".spark/logs/dev-2026-01-03-000000.log": "",
      ".spark/logs/api-2026-01-01-000000.log": "",
    });
    expect(pruneLogs(paths, "dev", 1).sort()).toEqual(["dev-2026-01-01-000000.log", "dev-2026-01-02-000000.log"]);
    expect(readdirSync(paths.logs).sort()).toEqual(["api-2026-01-01-000000.log", "dev-2026-01-03-000000.log"]);
  });

  it("does nothing when there is no log folder", () => {
    const { paths } = tempProject();
    expect(pruneLogs(paths, "dev", 1)).toEqual([]);
  });
});
