import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpOptions } from "../bootstrap/up/context.js";
import { upResultSchema } from "../bootstrap/up/events.js";
import { recordedUrls, type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { commitAll } from "./helpers/git.js";
import { messageSource, removeProject, runUp, STANDIN_ENV, upOptions, upProject } from "./helpers/sprite-up.js";

// `manifest sprite up` through the real SDK against the fake Sprites server, with real
// processes in the fake Sprite: real npm installing the package, the real `spark init`,
// the services started and restarted by the fake, the bridge (a stand-in, see
// helpers/sprite-up.ts) reached through the Sprite's URL with its token.
let scene: SpritesScene;
let root: string;
let opts: UpOptions;
let spriteRoot: string;
beforeAll(async () => {
  scene = await spritesScene({ baseEnv: STANDIN_ENV });
  root = await upProject();
  opts = await upOptions("upbox", root);
});
afterAll(async () => {
  await scene?.fake.close();
  if (root) removeProject(root);
});

/** The inspect database's tables and schema version, as SQLite reads them (none when it is missing). */
function inspectSchema(app: string): { tables: string[]; version: number } | undefined {
  const path = join(app, ".spark/inspect.db");
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
    }>;
    return { tables: rows.map((r) => r.name), version: Number(db.pragma("user_version", { simple: true })) };
  } finally {
    db.close();
  }
}

const stateOf = (token: string) =>
  fetch(`${scene.fake.sprite("upbox")?.url}/starter/state`, { headers: { authorization: `Bearer ${token}` } });

/** What the app answers through the bridge's proxy, once it says `want` (it starts after `up` returns), or the last answer. */
async function appSays(url: string, want: string): Promise<string> {
  let text = "";
  for (let i = 0; i < 150 && text !== want; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    text = await (await fetch(`${url}/`, { headers: { authorization: `Bearer ${opts.token}` } })).text();
  }
  return text;
}

describe("manifest sprite up", () => {
  it("turns a new Sprite into a Spark workspace: code, package, layout, model, services, a bridge that answers", async () => {
    const { result, events } = await runUp(scene.api, opts);
    expect(result.failure).toBeNull();
    expect(upResultSchema.safeParse(result).success).toBe(true);
    expect(result.changed).toEqual(["sprite", "code", "package", "layout", "model", "services", "ready"]);
    expect(events.filter((e) => e.status !== "start").map((e) => e.step)).toEqual([
      "sprite",
      "runtime",
      "code",
      "package",
      "layout",
      "model",
      "services",
      "ready",
    ]);
    spriteRoot = scene.fake.sprite("upbox")?.root ?? "";
    const app = join(spriteRoot, "home/sprite/app");
    // The tracked files, without the tracked .env; the package; Spark's layout; a default AGENTS.md.
    expect(readFileSync(join(app, "src/notes.txt"), "utf8")).toBe("one\n");
    expect(existsSync(join(app, ".env"))).toBe(false);
    expect(JSON.parse(readFileSync(join(app, "node_modules/manifest-spark/package.json"), "utf8")).version).toBe(
      "0.0.0-standin.1",
    );
    expect(existsSync(join(app, ".spark/events"))).toBe(true);
    expect(statSync(join(app, ".spark")).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(app, "AGENTS.md"), "utf8")).toContain("manifest sprite push");
    // The inspect database, with its schema, private like the rest of .spark/.
    expect(inspectSchema(app)).toEqual({ tables: ["assets", "integrations", "services"], version: 1 });
    expect(statSync(join(app, ".spark/inspect.db")).mode & 0o777).toBe(0o600);
    // The bridge's env file: 0600, the token and the key in it and nowhere in a command line.
    const envFile = join(spriteRoot, "home/sprite/.config/manifest/bridge.env");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, "utf8")).toContain(opts.token);
    // One service of each name; the bridge answers through the URL, only with its token.
    const services = await scene.api.services("upbox");
    expect(services.map((s) => s.name).sort()).toEqual(["app", "bridge"]);
    expect((await stateOf("wrong-token-wrong-token")).status).toBe(401);
    const state = (await (await stateOf(opts.token)).json()) as { watchOnly: unknown; app: { port: number } };
    expect(state.watchOnly).toBeNull();
    expect(result.watchOnly).toBeNull();
    expect(state.app.port).toBe(opts.appPort);
    // Through the bridge's proxy, the app runs the sent code.
    expect(await appSays(result.url ?? "", "hello v1")).toBe("hello v1");
    expect((await scene.api.get("upbox")).urlAuth).toBe("public");
  }, 120_000);

  it("changes nothing on a second run, with reads only", async () => {
    const before = scene.fake.requests.length;
    const { result, events } = await runUp(scene.api, opts);
    expect(result.failure).toBeNull();
    expect(result.changed).toEqual([]);
    expect(events.filter((e) => e.status === "unchanged")).toHaveLength(8);
    const calls = scene.fake.requests.slice(before);
    expect(calls.map((r) => r.method)).toEqual(["GET", "GET", "GET"]);
    expect(result.uploadedBytes).toBe(0);
  }, 60_000);

  it("sends only the code and restarts only the app after a file changed", async () => {
    writeFileSync(join(root, "src/message.mjs"), messageSource("hello v2"));
    await commitAll(root, "v2");
    const { result, events } = await runUp(scene.api, opts);
    expect(result.failure).toBeNull();
    expect(result.changed).toEqual(["code", "services"]);
    expect(events.find((e) => e.step === "services" && e.status === "changed")?.detail).toBe("app restarted");
    expect(await appSays(result.url ?? "", "hello v2")).toBe("hello v2");
    expect((await scene.api.services("upbox")).map((s) => s.name).sort()).toEqual(["app", "bridge"]);
  }, 60_000);

  it("stops at a damaged inspect database, keeping it; makes one again when it is gone, and restarts the app after", async () => {
    const app = join(spriteRoot, "home/sprite/app");
    const dbFile = join(app, ".spark/inspect.db");
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbFile}${suffix}`, { force: true });
    writeFileSync(dbFile, "SQLite format 2, or rather: not a database at all\n".repeat(4));
    const damaged = await runUp(scene.api, opts);
    expect(damaged.result.failure).toMatchObject({ step: "layout" });
    expect(damaged.result.failure?.stderr).toContain(".spark/inspect.db is not a readable SQLite database");
    expect(damaged.result.failure?.stderr).toContain(".spark/inspect.db.bad");
    expect(readFileSync(dbFile, "utf8")).toMatch(/^SQLite format 2, or rather/);
    rmSync(dbFile);
    const { result, events } = await runUp(scene.api, opts);
    expect(result.failure).toBeNull();
    expect(result.changed).toEqual(["layout", "services"]);
    expect(events.find((e) => e.step === "services" && e.status === "changed")?.detail).toBe("app restarted");
    expect(inspectSchema(app)).toEqual({ tables: ["assets", "integrations", "services"], version: 1 });
    const again = await runUp(scene.api, opts);
    expect(again.result.changed).toEqual([]);
  }, 60_000);

  it("keeps an agent's edit made in the Sprite aside before new files replace it", async () => {
    const app = join(spriteRoot, "home/sprite/app");
    writeFileSync(join(app, "src/notes.txt"), "fixed in the Sprite\n");
    writeFileSync(join(root, "src/notes.txt"), "two\n");
    await commitAll(root, "notes");
    const { result } = await runUp(scene.api, opts);
    expect(result.failure).toBeNull();
    expect(readFileSync(join(app, "src/notes.txt"), "utf8")).toBe("two\n");
    expect(result.notes.join("\n")).toMatch(/src\/notes\.txt/);
    const keptDir = join(app, ".spark/sprite-kept");
    const [stamp] = readdirSync(keptDir);
    expect(readFileSync(join(keptDir, stamp ?? "", "src/notes.txt"), "utf8")).toBe("fixed in the Sprite\n");
  }, 60_000);

  it("puts no token, key or secret in any URL, bootstrap log or service log", () => {
    const secrets = [opts.token, opts.key?.value ?? "", "tracked-by-mistake-7f3a"];
    const logs = [
      ...readdirSync(join(spriteRoot, "home/sprite/app/.spark/logs")).map((f) =>
        join(spriteRoot, "home/sprite/app/.spark/logs", f),
      ),
      ...readdirSync(join(spriteRoot, ".sprite/logs/services")).map((f) =>
        join(spriteRoot, ".sprite/logs/services", f),
      ),
    ];
    expect(logs.some((f) => f.includes("bootstrap-"))).toBe(true);
    const text = [recordedUrls(scene.fake), ...logs.map((f) => readFileSync(f, "utf8"))].join("\n");
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
