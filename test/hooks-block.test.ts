import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  BLOCK_BEGIN,
  BLOCK_END,
  blockPaths,
  findBlock,
  foreignInterpreter,
  planHookFile,
  removeFromHookFile,
  renderBlock,
  shQuote,
} from "../cli/hooks/block.js";
import {
  checkArgv,
  type HookSpec,
  hookSpecs,
  rebasePauseReason,
  shouldResume,
  unknownHookNames,
} from "../cli/hooks/roles.js";

const ctx = { node: "/usr/bin/node", cli: "/opt/it's spark/dist/cli.js", prefix: "" };
const resume: HookSpec = { name: "post-checkout", roles: ["resume"], checks: [] };
const prePush: HookSpec = { name: "pre-push", roles: ["checks"], checks: ["npm test"] };
const file = (content: string, more: { executable?: boolean; symlink?: boolean } = {}) => ({
  content,
  executable: more.executable ?? true,
  symlink: more.symlink ?? false,
});

describe("which hooks, doing what", () => {
  it("pauses in pre-rebase, resumes in four hooks, and adds the configured ones", () => {
    const specs = hookSpecs({ "pre-push": ["npm test", " "], "post-merge": ["npm install"], "pre-commit": [] });
    expect(specs.map((s) => [s.name, s.roles.join("+"), s.checks.join(",")])).toEqual([
      ["pre-rebase", "pause", ""],
      ["post-rewrite", "resume", ""],
      ["post-checkout", "resume", ""],
      ["post-merge", "resume+checks", "npm install"],
      ["post-commit", "resume", ""],
      ["pre-push", "checks", "npm test"],
    ]);
    expect(unknownHookNames({ "pre-push": [], "pre-receive": [], prepush: [] })).toEqual(["pre-receive", "prepush"]);
  });

  it("runs a plain check directly and anything else through sh -c, never re-quoted", () => {
    expect(checkArgv("npm test")).toEqual(["npm", "test"]);
    expect(checkArgv("  npx vitest run --reporter=dot ")).toEqual(["npx", "vitest", "run", "--reporter=dot"]);
    expect(checkArgv("npm run lint && npm test")).toEqual(["sh", "-c", "npm run lint && npm test"]);
    expect(checkArgv("CI=1 npm test")).toEqual(["sh", "-c", "CI=1 npm test"]);
    expect(checkArgv("echo $HOME")).toEqual(["sh", "-c", "echo $HOME"]);
    expect(checkArgv("node -e 'process.exit(1)'")).toEqual(["sh", "-c", "node -e 'process.exit(1)'"]);
  });

  it("lifts only a hook's pause, at the end of a rebase or when no rebase runs", () => {
    const base = {
      hook: "post-checkout",
      args: [],
      pausedBy: "git-hook:rebase",
      pauseReason: rebasePauseReason(100),
      rebaseInProgress: false,
      gitPid: 200,
    };
    expect(shouldResume(base)).toBe(true);
    expect(shouldResume({ ...base, pausedBy: "alice" })).toBe(false);
    expect(shouldResume({ ...base, rebaseInProgress: true })).toBe(false);
    // The apply backend's own post-checkout, inside the rebase that paused.
    expect(shouldResume({ ...base, gitPid: 100 })).toBe(false);
    expect(shouldResume({ ...base, hook: "post-rewrite", args: ["rebase"], rebaseInProgress: true })).toBe(true);
    expect(shouldResume({ ...base, hook: "post-rewrite", args: ["amend"] })).toBe(false);
    expect(shouldResume({ ...base, hook: "pre-push" })).toBe(false);
  });
});

describe("the hook block", () => {
  it("is valid sh, quotes paths, and finds them again", () => {
    const block = renderBlock(prePush, { ...ctx, prefix: "apps/web" });
    execFileSync("sh", ["-n", "-c", block]);
    expect(block.startsWith(`${BLOCK_BEGIN}\n`)).toBe(true);
    expect(block.endsWith(`${BLOCK_END}\n`)).toBe(true);
    expect(block).toContain(`spark_cli=${shQuote(ctx.cli)}`);
    expect(block).toContain('hooks run pre-push --checks -- "$@"');
    expect(block).toContain(") || exit $?");
    expect(block).toContain("cd 'apps/web' 2>/dev/null || exit 0");
    expect(blockPaths(block)).toEqual({ node: ctx.node, cli: ctx.cli });
    const quiet = renderBlock(resume, ctx);
    expect(quiet).toContain("grep -q 'git-hook:rebase' .spark/pause");
    expect(quiet).toContain(") || :");
    expect(quiet).not.toContain("cd ");
  });

  it("creates a hook that does not exist, and removes the whole file again", () => {
    const plan = planHookFile(undefined, resume, ctx);
    expect(plan.action).toBe("create");
    const content = plan.action === "create" ? plan.content : "";
    expect(content.startsWith("#!/bin/sh\n")).toBe(true);
    expect(removeFromHookFile(content)).toEqual({ action: "delete" });
  });

  it("goes above the user's code, after the shebang, and comes out byte for byte", () => {
    for (const original of [
      "#!/bin/bash\nset -eu\nnpm run lint\nexit 0\n",
      "echo no shebang: git runs it with sh\n",
      "#!/usr/bin/env sh\r\necho crlf\r\n",
    ]) {
      const plan = planHookFile(file(original), resume, ctx);
      expect(plan.action).toBe("insert");
      const content = plan.action === "insert" ? plan.content : "";
      const location = findBlock(content);
      expect(location.found).toBe(true);
      expect(content.indexOf(BLOCK_BEGIN)).toBe(original.startsWith("#!") ? original.indexOf("\n") + 1 : 0);
      expect(removeFromHookFile(content)).toEqual({ action: "update", content: original });
      expect(planHookFile(file(content), resume, ctx)).toEqual({ action: "unchanged" });
    }
  });

  it("updates its own block in place when the roles or paths change", () => {
    const installed = `#!/bin/sh\n${renderBlock(resume, ctx)}echo mine\n`;
    const plan = planHookFile(file(installed), resume, { ...ctx, cli: "/new/dist/cli.js" });
    expect(plan.action).toBe("update");
    const content = plan.action === "update" ? plan.content : "";
    expect(content).toContain("spark_cli='/new/dist/cli.js'");
    expect(content.endsWith("echo mine\n")).toBe(true);
  });

  it("never writes into a link, a hook git ignores, or a script in another language", () => {
    expect(planHookFile(file("", { symlink: true }), resume, ctx)).toMatchObject({
      action: "skip",
      problem: expect.stringContaining("symbolic link"),
    });
    expect(planHookFile(file("#!/bin/sh\n", { executable: false }), resume, ctx)).toMatchObject({
      action: "skip",
      problem: expect.stringContaining("not executable"),
    });
    expect(planHookFile(file("#!/usr/bin/env node\n"), prePush, ctx)).toMatchObject({
      action: "skip",
      next: expect.stringContaining('manifest hooks run pre-push --checks -- "$@"'),
    });
    expect(foreignInterpreter("#!/usr/bin/env -S python3 -u\n")).toBe("python3");
    expect(foreignInterpreter("#!/bin/zsh\n")).toBeUndefined();
    const broken = `#!/bin/sh\n${BLOCK_BEGIN}\necho half\n`;
    expect(planHookFile(file(broken), resume, ctx)).toMatchObject({ action: "skip" });
    expect(removeFromHookFile(broken)).toMatchObject({ action: "skip" });
  });
});
