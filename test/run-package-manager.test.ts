import { describe, expect, it } from "vitest";
import { detectPackageManager, scriptArgs } from "../cli/run/package-manager.js";

describe("detectPackageManager", () => {
  it("defaults to npm", () => {
    expect(detectPackageManager([{ files: [] }, { files: ["README.md"] }])).toEqual({
      manager: "npm",
      reason: "default",
    });
  });

  it.each([
    ["pnpm-lock.yaml", "pnpm"],
    ["yarn.lock", "yarn"],
    ["bun.lockb", "bun"],
    ["bun.lock", "bun"],
    ["package-lock.json", "npm"],
  ])("reads %s", (lockfile, manager) => {
    expect(detectPackageManager([{ files: ["package.json", lockfile] }])).toEqual({ manager, reason: lockfile });
  });

  it("believes the packageManager field over a lockfile", () => {
    const found = detectPackageManager([
      { packageManagerField: "yarn@4.1.0+sha224.abc", files: ["package-lock.json"] },
    ]);
    expect(found).toEqual({ manager: "yarn", reason: "packageManager field" });
  });

  it("finds a workspace's lockfile in a parent folder, the nearest first", () => {
    const folders = [{ files: ["package.json"] }, { files: ["pnpm-lock.yaml"] }, { files: ["yarn.lock"] }];
    expect(detectPackageManager(folders).manager).toBe("pnpm");
  });

  it("reads lazily: folders beyond the first decisive one are never produced", () => {
    let produced = 0;
    function* folders() {
      produced++;
      yield { files: ["yarn.lock"] };
      produced++;
      yield { files: ["pnpm-lock.yaml"] };
    }
    expect(detectPackageManager(folders()).manager).toBe("yarn");
    expect(produced).toBe(1);
  });

  it("ignores a packageManager field it does not know", () => {
    expect(detectPackageManager([{ packageManagerField: "deno@2", files: ["yarn.lock"] }]).manager).toBe("yarn");
  });
});

describe("scriptArgs", () => {
  it("puts -- before the script's arguments for npm only", () => {
    expect(scriptArgs("npm", "dev", [])).toEqual(["run", "dev"]);
    expect(scriptArgs("npm", "dev", ["--port", "3000"])).toEqual(["run", "dev", "--", "--port", "3000"]);
    expect(scriptArgs("pnpm", "dev", ["--port", "3000"])).toEqual(["run", "dev", "--port", "3000"]);
    expect(scriptArgs("yarn", "dev", [])).toEqual(["run", "dev"]);
    expect(scriptArgs("bun", "dev", ["-x"])).toEqual(["run", "dev", "-x"]);
  });
});
