import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type FileKind, type ResolveContext, resolveCommand } from "../cli/run/resolve.js";
import { resolveContext } from "../cli/run/resolve-context.js";
import { tempProject } from "./helpers/temp-project.js";

function context(files: Record<string, FileKind>, scripts?: Record<string, string>): ResolveContext {
  return {
    cwd: "/work/app",
    pathEnv: "/usr/local/bin:/usr/bin::relative/bin",
    kind: (path) => files[path] ?? "missing",
    packageJson: scripts ? { dir: "/work/app", scripts } : undefined,
    packageManager: () => ({ manager: "pnpm", reason: "pnpm-lock.yaml" }),
  };
}

describe("resolveCommand", () => {
  it("runs a program found on PATH, the first one", () => {
    const ctx = context({ "/usr/local/bin/node": "executable", "/usr/bin/node": "executable" });
    expect(resolveCommand("node", ["a.js"], ctx)).toEqual({
      kind: "program",
      file: "/usr/local/bin/node",
      args: ["a.js"],
      name: "node",
    });
  });

  it("runs a package.json script with the project's package manager when no program has the name", () => {
    const ctx = context({ "/usr/bin/pnpm": "executable" }, { dev: "vite" });
    expect(resolveCommand("dev", ["--port", "3000"], ctx)).toEqual({
      kind: "script",
      file: "/usr/bin/pnpm",
      args: ["run", "dev", "--port", "3000"],
      name: "dev",
      script: "dev",
      manager: "pnpm",
      managerReason: "pnpm-lock.yaml",
      shadowedProgram: undefined,
    });
  });

  it("prefers the script, as bun run does, and names the program of that name it shadows", () => {
    const ctx = context({ "/usr/bin/test": "executable", "/usr/bin/pnpm": "executable" }, { test: "vitest" });
    expect(resolveCommand("test", [], ctx)).toMatchObject({
      kind: "script",
      file: "/usr/bin/pnpm",
      args: ["run", "test"],
      shadowedProgram: "/usr/bin/test",
    });
    // The program stays reachable by its path.
    expect(resolveCommand("/usr/bin/test", [], ctx)).toMatchObject({ kind: "program", file: "/usr/bin/test" });
  });

  it("takes a word with a slash as a path from the working folder", () => {
    const ctx = context({ "/work/app/bin/job": "executable", "/work/app/notes.txt": "file", "/work/app/lib": "dir" });
    expect(resolveCommand("./bin/job", [], ctx)).toMatchObject({ kind: "program", file: "/work/app/bin/job" });
    expect(resolveCommand("./notes.txt", [], ctx)).toMatchObject({ kind: "cannot-start", code: "EACCES" });
    expect(resolveCommand("./lib", [], ctx)).toMatchObject({ kind: "cannot-start", code: "EACCES" });
    expect(resolveCommand("./nope", [], ctx)).toMatchObject({ kind: "cannot-start", code: "ENOENT" });
  });

  it("names a non-executable file on PATH and says how to fix it", () => {
    const result = resolveCommand("tool", [], context({ "/usr/bin/tool": "file" }));
    expect(result).toMatchObject({ kind: "cannot-start", code: "EACCES" });
    expect(result.kind === "cannot-start" && result.next).toContain("chmod +x /usr/bin/tool");
  });

  it("says what was looked for, and lists the scripts, when nothing matches", () => {
    const result = resolveCommand("dve", [], context({}, { dev: "vite", build: "vite build" }));
    expect(result).toMatchObject({ kind: "cannot-start", code: "ENOENT" });
    if (result.kind !== "cannot-start") throw new Error("unreachable");
    expect(result.message).toContain("not a program on PATH nor a script in package.json");
    expect(result.next).toContain("dev, build");
  });

  it("reports a package manager that is not installed", () => {
    const result = resolveCommand("dev", [], context({}, { dev: "vite" }));
    expect(result).toMatchObject({ kind: "cannot-start" });
    if (result.kind !== "cannot-start") throw new Error("unreachable");
    expect(result.message).toContain("pnpm (chosen from pnpm-lock.yaml) is not on PATH");
  });

  it("never searches the working folder through an empty PATH entry", () => {
    expect(resolveCommand("job", [], context({ "/work/app/job": "executable" })).kind).toBe("cannot-start");
    expect(resolveCommand("job", [], context({ "/work/app/relative/bin/job": "executable" })).kind).toBe("program");
  });
});

describe("resolveContext (the real file system)", () => {
  it("finds scripts in the nearest package.json and the lockfile of a parent workspace", () => {
    const { root } = tempProject({
      "package.json": JSON.stringify({ name: "ws", private: true }),
      "yarn.lock": "",
      "packages/web/package.json": JSON.stringify({ name: "web", scripts: { dev: "vite", bad: 1 } }),
    });
    const bin = join(root, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "yarn"), "#!/bin/sh\n");
    chmodSync(join(bin, "yarn"), 0o755);
    writeFileSync(join(bin, "plain"), "not a program");
    chmodSync(join(bin, "plain"), 0o644);
    const ctx = resolveContext(join(root, "packages/web"), { PATH: bin });
    expect(ctx.packageJson).toEqual({ dir: join(root, "packages/web"), scripts: { dev: "vite" } });
    expect(ctx.packageManager()).toEqual({ manager: "yarn", reason: "yarn.lock" });
    expect(resolveCommand("dev", ["--open"], ctx)).toMatchObject({
      kind: "script",
      file: join(bin, "yarn"),
      args: ["run", "dev", "--open"],
    });
    expect(ctx.kind(join(bin, "plain"))).toBe(process.getuid?.() === 0 ? "file" : "file");
    expect(ctx.kind(bin)).toBe("dir");
    expect(ctx.kind(join(bin, "none"))).toBe("missing");
  });
});
