import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLEAN_ENV, CLI, type CliResult, manifest } from "./helpers/cli.js";
import { recordedUrls, type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { collectOutput, finished, waitFor } from "./helpers/processes.js";

const SECRET = "sk-live-0123456789abcdef-very-secret";
const OTHER_SECRET = "postgres://app:pw-9f8e7d6c@db/app";

let scene: SpritesScene;
let xdg: string;
let root: string;
const outputs: CliResult[] = [];

beforeAll(async () => {
  scene = await spritesScene();
  xdg = mkdtempSync(join(tmpdir(), "spark-xdg-"));
  // Its own folder, not tempProject's: that one is removed after each test, and these share it.
  root = mkdtempSync(join(tmpdir(), "spark-sprite-project-"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "@acme/My_App" }));
});
afterAll(async () => {
  await scene.fake.close();
  for (const dir of [root, xdg]) rmSync(dir, { recursive: true, force: true });
});

/** `manifest sprite …` against the fake, with the token from the login (not the environment). */
async function sprite(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = await manifest(
    ["sprite", ...args],
    root,
    { XDG_CONFIG_HOME: xdg, SPRITES_TOKEN: "", SPRITES_API_URL: scene.fake.url, ...options.env },
    options.input,
  );
  outputs.push(result);
  return result;
}

/** Every file in the fake Sprite's folder but the secrets file (and its API socket), as one string. */
function spriteFiles(name: string): string {
  const rootDir = scene.fake.sprite(name)?.root ?? "";
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : e.name === "secrets.env" || !e.isFile()
          ? []
          : [readFileSync(join(dir, e.name), "utf8")],
    );
  return walk(rootDir).join("\n");
}

describe("manifest sprite against the fake Sprites API", () => {
  it("logs in from stdin (0600, never echoed) and refuses a token the API refuses", async () => {
    const bad = await sprite(["login"], { input: "not-the-token-at-all\n" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("refused the token");
    expect(bad.stderr).toContain("SPRITES_TOKEN");
    const good = await sprite(["login", "--json"], { input: `${scene.fake.token}\n` });
    expect(good.code).toBe(0);
    const file = good.json<{ file: string }>().file;
    expect(file).toBe(join(xdg, "manifest", "sprites-token"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("creates the project's Sprite by default, lists it, and shows its status", async () => {
    const created = await sprite(["create", "--json"]);
    expect(created.code).toBe(0);
    expect(created.json<{ sprite: { name: string } }>().sprite.name).toBe("my-app");
    const listed = await sprite(["list", "--json"]);
    expect(listed.json<{ sprites: Array<{ name: string }> }>().sprites.map((s) => s.name)).toEqual(["my-app"]);
    expect((await sprite(["list"])).stdout).toMatch(/^my-app\s+cold\s+http:\/\/127\.0\.0\.1:\d+\n$/);
    const again = await sprite(["create", "my-app"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('A Sprite named "my-app" already exists.');
  });

  it("exec streams stdout and stderr apart, passes the exit code, and closes stdin", async () => {
    const run = await sprite(["exec", "my-app", "--", "bash", "-c", "echo out; echo err >&2; exit 5"]);
    expect(run).toMatchObject({ code: 5, stdout: "out\n", stderr: "err\n" });
    const cat = await sprite(["exec", "my-app", "--", "cat"], { input: "ignored" });
    expect(cat).toMatchObject({ code: 0, stdout: "" });
    const json = await sprite(["exec", "my-app", "--json", "--", "printf", "%s", "a b"]);
    expect(json.json()).toMatchObject({ ok: true, exitCode: 0, stdout: "a b", stderr: "" });
    const missing = await sprite(["exec", "no-such", "--", "true"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no Sprite named "no-such".');
    const noSecrets = await sprite(["secrets", "list", "no-such"]);
    expect(noSecrets.code).toBe(1);
    expect(noSecrets.stderr).toContain('There is no Sprite named "no-such".');
  });

  it("exec streams 50 MB of stdout intact", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "sprite", "exec", "my-app", "--", "bash", "-c", "head -c 52428800 /dev/zero | tr '\\0' x"],
      {
        cwd: root,
        env: { ...process.env, ...CLEAN_ENV, XDG_CONFIG_HOME: xdg, SPRITES_TOKEN: "", SPRITES_API_URL: scene.fake.url },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const hash = createHash("sha256");
    let bytes = 0;
    child.stdout.on("data", (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(bytes).toBe(52_428_800);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(Buffer.alloc(52_428_800, "x")).digest("hex"));
  });

  it("Ctrl+C on exec kills the remote command and exits 130", async () => {
    const child = spawn(
      process.execPath,
      [CLI, "sprite", "exec", "my-app", "--", "bash", "-c", "echo $$; exec sleep 300"],
      {
        cwd: root,
        env: { ...process.env, ...CLEAN_ENV, XDG_CONFIG_HOME: xdg, SPRITES_TOKEN: "", SPRITES_API_URL: scene.fake.url },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const output = collectOutput(child);
    const pid = Number(await waitFor(() => output.lines()[0], "the remote pid"));
    expect(() => process.kill(pid, 0)).not.toThrow();
    child.kill("SIGINT");
    const end = await finished(child, output);
    expect(end.code).toBe(130);
    expect(end.stderr).toContain("Interrupting the command in the Sprite");
    await waitFor(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, "the remote sleep gone");
    // The fake forgets a process on its `close` (stdio drained), a moment after it is reaped.
    await waitFor(() => scene.fake.sprite("my-app")?.processes.size === 0, "the fake's process table empty");
  });

  it("secrets land as a 0600 file, reach a service's environment, and list shows names only", async () => {
    const service = await scene.api.startService("my-app", {
      name: "worker",
      cmd: "bash",
      args: ["-c", 'printf %s "$API_KEY" | sha256sum > key.sha; exec sleep 300'],
    });
    expect(service.loadsSecrets).toBe(true);
    const set = await sprite(["secrets", "set", "my-app", "API_KEY", "--json"], { input: `${SECRET}\n` });
    expect(set.code).toBe(0);
    expect(set.json()).toMatchObject({ set: ["API_KEY"], restarted: ["worker"] });
    const fromEnv = await sprite(["secrets", "set", "my-app", "--from-env", "DATABASE_URL"], {
      env: { DATABASE_URL: OTHER_SECRET },
    });
    expect(fromEnv.code).toBe(0);

    const home = join(scene.fake.sprite("my-app")?.root ?? "", "home/sprite");
    const file = join(home, ".config/manifest/secrets.env");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const expected = createHash("sha256").update(SECRET).digest("hex");
    await waitFor(() => readFileSync(join(home, "key.sha"), "utf8").startsWith(expected), "the service seeing API_KEY");
    // Only the secrets file holds the values: not the service's log, not anything else in the Sprite.
    expect(spriteFiles("my-app")).not.toContain(SECRET);
    expect(spriteFiles("my-app")).not.toContain(OTHER_SECRET);

    const listed = await sprite(["secrets", "list", "my-app", "--json"]);
    expect(listed.json()).toMatchObject({ names: ["API_KEY", "DATABASE_URL"] });
    const unset = await sprite(["secrets", "unset", "my-app", "DATABASE_URL"]);
    expect(unset.code).toBe(0);
    expect((await sprite(["secrets", "list", "my-app"])).stdout).toBe("API_KEY\n");
    const status = await sprite(["status", "my-app", "--json"]);
    expect(status.json<{ services: Array<{ name: string; status: string }> }>().services).toEqual([
      expect.objectContaining({ name: "worker", status: "running" }),
    ]);
    const logs = await sprite(["logs", "my-app", "worker", "--json"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('"type":"started"');
  });

  it("delete asks (refusing without a terminal), and --yes deletes", async () => {
    const refused = await sprite(["delete", "my-app"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await sprite(["delete", "my-app", "--yes"])).code).toBe(0);
    expect((await sprite(["status", "my-app"])).code).toBe(1);
  });

  it("no token byte or secret value appears in any output, request URL, or file in the Sprite", async () => {
    const everything = outputs.map((r) => `${r.stdout}\n${r.stderr}`).join("\n");
    const urls = recordedUrls(scene.fake);
    for (const secret of [scene.fake.token, SECRET, OTHER_SECRET]) {
      expect(everything).not.toContain(secret);
      expect(urls).not.toContain(secret);
      expect(urls).not.toContain(encodeURIComponent(secret));
    }
    expect(urls).toContain("/v1/sprites/my-app/exec?cmd=bash");
  });
});
