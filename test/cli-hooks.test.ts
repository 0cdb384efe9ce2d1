import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { errorSchema, statusSchema } from "../cli/schemas.js";
import { hooksInstallSchema, hooksStatusSchema, hooksUninstallSchema } from "../cli/schemas-setup.js";
import { manifest } from "./helpers/cli.js";
import { commitAll, GIT_ENV, git, gitOk, initRepo } from "./helpers/git.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const PAUSE_BY = "git-hook:rebase";

/** A git repository holding a Spark project (`files` written first), hooks installed, one commit. */
async function sparkRepo(
  files: Record<string, string> = {},
  before?: (root: string) => Promise<void>,
): Promise<string> {
  const { root } = tempProject({
    "package.json": '{ "name": "app", "private": true }\n',
    "app.txt": "base\n",
    ...files,
  });
  await initRepo(root);
  await before?.(root);
  const installed = await manifest(["hooks", "install", "--json"], root, GIT_ENV);
  expect(installed.code, installed.stderr).toBe(0);
  hooksInstallSchema.parse(installed.json());
  await commitAll(root, "base");
  return root;
}

/** `feature` and `main` each add a commit; with `conflict`, both change app.txt. Leaves `feature` checked out. */
async function divergedBranches(root: string, conflict = false): Promise<void> {
  await gitOk(root, ["checkout", "-q", "-b", "feature"]);
  writeFileSync(join(root, conflict ? "app.txt" : "feature.txt"), "feature\n");
  await commitAll(root, "feature work");
  await gitOk(root, ["checkout", "-q", "main"]);
  writeFileSync(join(root, conflict ? "app.txt" : "main.txt"), "main\n");
  await commitAll(root, "main work");
  await gitOk(root, ["checkout", "-q", "feature"]);
}

async function pauseState(root: string) {
  return statusSchema.parse((await manifest(["spark", "status", "--json"], root, GIT_ENV)).json()).pause;
}

describe("manifest hooks: the rebase pause", () => {
  it("pauses Spark while a real rebase runs (seen from its exec step) and resumes after", async () => {
    const root = await sparkRepo();
    await divergedBranches(root);
    const seen = join(tempProject().root, "seen.json");
    await gitOk(root, ["rebase", "main", "-x", `cat .spark/pause > '${seen}'`]);
    const during = JSON.parse(readFileSync(seen, "utf8")) as { by: string; reason: string };
    expect(during.by).toBe(PAUSE_BY);
    expect(during.reason).toMatch(/^git rebase in progress \(git pid \d+\)$/);
    expect(existsSync(join(root, ".spark/pause"))).toBe(false);
    expect(await gitOk(root, ["log", "--format=%s"])).toBe("feature work\nmain work\nbase\n");
  });

  it("holds the pause while a rebase is stopped on a conflict, and lifts it at --continue", async () => {
    const root = await sparkRepo();
    await divergedBranches(root, true);
    expect((await git(root, ["rebase", "main"])).code).not.toBe(0);
    expect(await pauseState(root)).toMatchObject({ state: "paused", by: PAUSE_BY });
    // A checkout during the stop runs post-checkout, which must not lift the pause.
    await gitOk(root, ["checkout", "--theirs", "app.txt"]);
    expect(await pauseState(root)).toMatchObject({ state: "paused", by: PAUSE_BY });
    writeFileSync(join(root, "app.txt"), "merged\n");
    await gitOk(root, ["add", "app.txt"]);
    await gitOk(root, ["rebase", "--continue"]);
    expect(await pauseState(root)).toEqual({ state: "none" });
  });

  it("ends the pause when a rebase is aborted, though git runs no hook then: the state is gone", async () => {
    const root = await sparkRepo();
    await divergedBranches(root, true);
    expect((await git(root, ["rebase", "main"])).code).not.toBe(0);
    await gitOk(root, ["rebase", "--abort"]);
    const status = await manifest(["spark", "status", "--json"], root, GIT_ENV);
    const json = statusSchema.parse(status.json());
    expect(json).toMatchObject({ pause: { state: "none" }, held: false, cleaned: { endedRebasePause: true } });
    expect(existsSync(join(root, ".spark/pause"))).toBe(false);
    expect((await manifest(["spark", "status"], root, GIT_ENV)).stdout).toMatch(/Pause\s+none/);
  });

  it("holds for as long as the rebase is stopped, past the stale threshold, and says what it waits for", async () => {
    // A threshold of 0: any plain pause would be stale at once.
    const root = await sparkRepo({ "config/spark.ts": "export default { pause: { staleThresholdMinutes: 0 } };\n" });
    await divergedBranches(root, true);
    expect((await git(root, ["rebase", "main"])).code).not.toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    const json = statusSchema.parse((await manifest(["spark", "status", "--json"], root, GIT_ENV)).json());
    expect(json).toMatchObject({
      pause: { state: "paused", by: PAUSE_BY, stale: false, waitsFor: { kind: "git-rebase", inProgress: true } },
      held: true,
    });
    const text = (await manifest(["spark", "status"], root, GIT_ENV)).stdout;
    expect(text).toMatch(/Holding\s+paused by git-hook:rebase: .*until the git rebase finishes or is aborted/);
    writeFileSync(join(root, "app.txt"), "merged\n");
    await gitOk(root, ["add", "app.txt"]);
    await gitOk(root, ["rebase", "--continue"]);
    expect(await pauseState(root)).toEqual({ state: "none" });
  });

  it("pauses with the apply backend too (whose post-checkout runs inside the rebase)", async () => {
    const root = await sparkRepo();
    await divergedBranches(root, true);
    expect((await git(root, ["rebase", "--apply", "main"])).code).not.toBe(0);
    expect(await pauseState(root)).toMatchObject({ state: "paused", by: PAUSE_BY });
    writeFileSync(join(root, "app.txt"), "merged\n");
    await gitOk(root, ["add", "app.txt"]);
    await gitOk(root, ["rebase", "--continue"]);
    expect(await pauseState(root)).toEqual({ state: "none" });
  });

  it("leaves a person's pause alone: a rebase neither replaces nor lifts it", async () => {
    const root = await sparkRepo();
    await divergedBranches(root);
    await manifest(["spark", "pause", "deploying", "--by", "alice"], root, GIT_ENV);
    await gitOk(root, ["rebase", "main"]);
    expect(await pauseState(root)).toMatchObject({ state: "paused", by: "alice", reason: "deploying" });
  });

  it("works for a Spark project in a subfolder of the repository", async () => {
    const { root } = tempProject({ "apps/web/package.json": '{ "name": "web" }\n', "README.md": "monorepo\n" });
    await initRepo(root);
    const web = join(root, "apps/web");
    expect((await manifest(["hooks", "install"], web, GIT_ENV)).code).toBe(0);
    await commitAll(root, "base");
    await divergedBranches(root);
    const seen = join(tempProject().root, "seen.json");
    await gitOk(root, ["rebase", "main", "-x", `cat apps/web/.spark/pause > '${seen}'`]);
    expect(JSON.parse(readFileSync(seen, "utf8"))).toMatchObject({ by: PAUSE_BY });
    expect(existsSync(join(web, ".spark/pause"))).toBe(false);
    expect(existsSync(join(root, ".spark"))).toBe(false);
  });
});

describe("manifest hooks: configured checks", () => {
  const config = 'export default { hooks: { "pre-push": ["node check.mjs"] } };\n';
  const check = 'console.log("checking the push"); process.exit(Number(process.env.CHECK_EXIT ?? 3));\n';

  it("a failing pre-push check blocks the push and leaves a process-error event; a passing one lets it through", async () => {
    // The user's own pre-push hook, which reads the refs git gives on stdin.
    const own = "#!/bin/sh\ncat > .git/pushed-refs\n";
    const root = await sparkRepo({ "config/spark.ts": config, "check.mjs": check }, async (r) => {
      writeFileSync(join(r, ".git/hooks/pre-push"), own, { mode: 0o755 });
    });
    const { root: bare } = tempProject();
    await gitOk(bare, ["init", "-q", "--bare"]);

    const blocked = await git(root, ["push", bare, "main"], { CHECK_EXIT: "3" });
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("the pre-push check `node check.mjs` failed (exit 3)");
    expect((await git(bare, ["rev-parse", "--verify", "-q", "refs/heads/main"])).code).not.toBe(0);
    const events = readdirSync(join(root, ".spark/events")).filter((n) => n.includes("-process-error-"));
    expect(events).toHaveLength(1);
    const event = JSON.parse(readFileSync(join(root, ".spark/events", events[0] as string), "utf8"));
    expect(event).toMatchObject({ type: "process-error", exitCode: 3 });
    expect(event.command).toContain("check.mjs");
    expect(event.logFile).toContain("pre-push");
    expect(existsSync(join(root, ".git/pushed-refs"))).toBe(false);

    const pushed = await git(root, ["push", bare, "main"], { CHECK_EXIT: "0" });
    expect(pushed.code, pushed.stderr).toBe(0);
    expect((await git(bare, ["rev-parse", "--verify", "-q", "refs/heads/main"])).code).toBe(0);
    // The user's hook ran after Spark's block, and still got git's stdin.
    expect(readFileSync(join(root, ".git/pushed-refs"), "utf8")).toMatch(
      /^refs\/heads\/main [0-9a-f]{40} refs\/heads\/main 0{40}\n$/,
    );
  });

  it("follows the config: status flags a new check until install adds it; a dropped one loses its hook", async () => {
    const root = await sparkRepo({ "config/spark.ts": "export default {};\n" });
    writeFileSync(join(root, "config/spark.ts"), 'export default { hooks: { "pre-commit": ["npm test"] } };\n');
    const before = hooksStatusSchema.parse((await manifest(["hooks", "status", "--json"], root, GIT_ENV)).json());
    expect(before.hooks.find((h) => h.name === "pre-commit")).toMatchObject({ state: "missing", checks: ["npm test"] });
    const added = hooksInstallSchema.parse((await manifest(["hooks", "install", "--json"], root, GIT_ENV)).json());
    expect(added.changes.filter((c) => c.action !== "unchanged")).toEqual([
      expect.objectContaining({ hook: "pre-commit", action: "create" }),
    ]);
    expect(readFileSync(join(root, ".git/hooks/pre-commit"), "utf8")).toContain("hooks run pre-commit --checks");
    writeFileSync(join(root, "config/spark.ts"), "export default {};\n");
    const dropped = hooksInstallSchema.parse((await manifest(["hooks", "install", "--json"], root, GIT_ENV)).json());
    expect(dropped.changes.filter((c) => c.action !== "unchanged")).toEqual([
      expect.objectContaining({ hook: "pre-commit", action: "deleted" }),
    ]);
    expect(existsSync(join(root, ".git/hooks/pre-commit"))).toBe(false);
  });

  it("refuses a hooks entry that is no git hook, naming the nearest one", async () => {
    const { root } = tempProject({ "config/spark.ts": 'export default { hooks: { "pre-psuh": ["npm test"] } };\n' });
    await initRepo(root);
    const result = await manifest(["hooks", "install", "--json"], root, GIT_ENV);
    expect(result.code).toBe(3);
    expect(errorSchema.parse(result.json()).error.message).toContain('did you mean "pre-push"');
  });
});

describe("manifest hooks: living with other hooks", () => {
  it("chains an existing hook (it still runs) and uninstall restores it byte for byte", async () => {
    const original = '#!/bin/sh\n# my team\'s hook\necho "checked out $3" >> .git/own-hook-ran\nexit 0\n';
    let hook = "";
    const root = await sparkRepo({}, async (r) => {
      hook = join(r, ".git/hooks/post-checkout");
      writeFileSync(hook, original, { mode: 0o750 });
      chmodSync(hook, 0o750);
    });
    const content = readFileSync(hook, "utf8");
    expect(content.startsWith("#!/bin/sh\n# >>> manifest-spark >>>\n")).toBe(true);
    expect(content.endsWith(original.slice("#!/bin/sh\n".length))).toBe(true);

    // A leftover rebase pause: Spark's block (above their `exit 0`) lifts it, their code runs too.
    await manifest(["spark", "pause", "--by", PAUSE_BY], root, GIT_ENV);
    await gitOk(root, ["checkout", "-q", "-b", "other"]);
    expect(await pauseState(root)).toEqual({ state: "none" });
    expect(readFileSync(join(root, ".git/own-hook-ran"), "utf8")).toBe("checked out 1\n");

    const removed = await manifest(["hooks", "uninstall", "--json"], root, GIT_ENV);
    const doc = hooksUninstallSchema.parse(removed.json());
    expect(doc.changes).toContainEqual(expect.objectContaining({ hook: "post-checkout", action: "removed" }));
    expect(doc.changes).toContainEqual(expect.objectContaining({ hook: "pre-rebase", action: "deleted" }));
    expect(readFileSync(hook)).toEqual(Buffer.from(original));
    expect(statSync(hook).mode & 0o777).toBe(0o750);
    expect(existsSync(join(root, ".git/hooks/pre-rebase"))).toBe(false);
  });

  it("honours core.hooksPath: hooks land there, not in .git/hooks, and git runs them", async () => {
    const root = await sparkRepo({}, async (r) => {
      mkdirSync(join(r, ".githooks"));
      await gitOk(r, ["config", "core.hooksPath", ".githooks"]);
    });
    const status = hooksStatusSchema.parse((await manifest(["hooks", "status", "--json"], root, GIT_ENV)).json());
    expect(status.hooksDir).toBe(join(root, ".githooks"));
    expect(status.hooks.every((h) => h.state === "installed")).toBe(true);
    expect(existsSync(join(root, ".githooks/pre-rebase"))).toBe(true);
    expect(existsSync(join(root, ".git/hooks/pre-rebase"))).toBe(false);
    await manifest(["spark", "pause", "--by", PAUSE_BY], root, GIT_ENV);
    await gitOk(root, ["checkout", "-q", "-b", "other"]);
    expect(await pauseState(root)).toEqual({ state: "none" });
  });

  it("never writes into a hook that is not a shell script, and says what to do", async () => {
    const python = "#!/usr/bin/env python3\nprint('mine')\n";
    const { root: dir } = tempProject();
    await initRepo(dir);
    writeFileSync(join(dir, ".git/hooks/post-merge"), python, { mode: 0o755 });
    const installed = await manifest(["hooks", "install", "--json"], dir, GIT_ENV);
    expect(installed.code).toBe(1);
    const doc = hooksInstallSchema.parse(installed.json());
    expect(doc.skipped).toEqual([
      expect.objectContaining({ hook: "post-merge", problem: expect.stringContaining("python3 script") }),
    ]);
    expect(readFileSync(join(dir, ".git/hooks/post-merge"), "utf8")).toBe(python);
    const status = hooksStatusSchema.parse((await manifest(["hooks", "status", "--json"], dir, GIT_ENV)).json());
    expect(status.hooks.find((h) => h.name === "post-merge")).toMatchObject({ state: "blocked", chained: true });
    // Installing again changes nothing else.
    const again = hooksInstallSchema.parse((await manifest(["hooks", "install", "--json"], dir, GIT_ENV)).json());
    expect(again.changes.every((c) => c.action === "unchanged")).toBe(true);
  });

  it("outside a git repository says so and what to do", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const result = await manifest(["hooks", "install", "--json"], root, GIT_ENV);
    expect(result.code).toBe(1);
    const doc = errorSchema.parse(result.json());
    expect(doc.error.code).toBe("E_NO_REPO");
    expect(doc.error.next).toContain("git init");
  });
});
