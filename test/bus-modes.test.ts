import { chmodSync, mkdirSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { BusPaths } from "../bus/paths.js";
import { walk } from "./helpers/bus-state.js";
import { runFixture } from "./helpers/fixtures.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (n: number) => `0${n.toString(8)}`;

/** Everything under `.spark/` (and `.spark/` itself) whose mode is not private: `path mode`. */
function notPrivate(paths: BusPaths): string[] {
  return [{ path: paths.spark, stat: statSync(paths.spark) }, ...walk(paths.spark)].flatMap(({ path, stat }) => {
    const want = stat.isDirectory() ? 0o700 : 0o600;
    const got = stat.mode & 0o777;
    return got === want ? [] : [`${path.slice(paths.root.length)} ${octal(got)}`];
  });
}

function kinds(paths: BusPaths): string[] {
  const rel = walk(paths.spark).map(({ path }) => path.slice(paths.spark.length + 1));
  return [
    ...(rel.includes(".gitignore") ? ["gitignore"] : []),
    ...(rel.includes("pause") ? ["pause"] : []),
    ...(rel.some((p) => p.startsWith("agents/") && p.endsWith(".json")) ? ["presence"] : []),
    ...(rel.some((p) => /^events\/[^/]+\.json$/.test(p)) ? ["pending"] : []),
    ...(rel.some((p) => /^events\/claimed\/[^/]+\/.+\.json$/.test(p)) ? ["claimed"] : []),
    ...(rel.some((p) => p.startsWith("events/delivered/")) ? ["delivered"] : []),
    ...(rel.some((p) => p.endsWith(".reason.json")) ? ["reason"] : []),
  ];
}

describe.each(["0", "022"])("a whole bus life (emit, reject, presence, pause, claim, ack) under umask %s", (umask) => {
  it("leaves every folder under .spark/ 0700 and every file 0600", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"modes-app"}' });
    await runFixture("lifecycle.mjs", [], { cwd: root, umask });
    expect(kinds(paths)).toEqual(["gitignore", "pause", "presence", "pending", "claimed", "delivered", "reason"]);
    expect(notPrivate(paths)).toEqual([]);
  });
});

describe("bus folders that already exist with loose modes", () => {
  it("are tightened to 0700 by the first write", async () => {
    const { root, paths } = tempProject();
    for (const [dir, loose] of [
      [paths.spark, 0o755],
      [paths.events, 0o755],
      [paths.delivered, 0o777],
      [paths.agents, 0o750],
    ] as const) {
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, loose);
    }
    await runFixture("write-events.mjs", [root, "--count", "1"], { cwd: root });
    expect([paths.spark, paths.events, paths.delivered, paths.agents].map((dir) => octal(mode(dir)))).toEqual([
      "0700",
      "0700",
      "0700",
      "0700",
    ]);
    expect(notPrivate(paths)).toEqual([]);
  });

  it("are tightened by the app-facing emitter too", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"modes-app"}' });
    mkdirSync(paths.events, { recursive: true });
    chmodSync(paths.spark, 0o755);
    chmodSync(paths.events, 0o755);
    const corpus = { events: [{ kind: "emit", event: { type: "notification", message: "hello" } }] };
    await runFixture("emit-secrets.mjs", ["--via", "app"], { cwd: root, input: JSON.stringify(corpus) });
    expect([octal(mode(paths.spark)), octal(mode(paths.events))]).toEqual(["0700", "0700"]);
    expect(notPrivate(paths)).toEqual([]);
  });
});
