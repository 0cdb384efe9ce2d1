import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSprites } from "./fake-sprites/server.js";
import { spritesScene } from "./helpers/fake-sprites.js";

// The fake's own surface, driven by the bare SDK (what later issues build on): stdin and its
// EOF, exec over HTTP, services stop/start/logs, checkpoints, and the bearer check on every door.
let fake: FakeSprites;
type Sdk = typeof import("@fly/sprites");
let SpritesClient: Sdk["SpritesClient"];
beforeAll(async () => {
  fake = (await spritesScene()).fake;
  ({ SpritesClient } = await import("@fly/sprites"));
});
afterAll(async () => {
  await fake.close();
});

describe("the fake Sprites server, with the bare SDK", () => {
  it("feeds stdin frames to the command and ends them on the EOF frame", async () => {
    const sprite = await new SpritesClient(fake.token, { baseURL: fake.url }).createSprite("stdin");
    const cmd = sprite.spawn("wc", ["-c"]);
    let out = "";
    cmd.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await new Promise((resolve) => cmd.once("spawn", resolve));
    cmd.stdin.write("12345");
    cmd.stdin.end();
    expect(await cmd.wait()).toBe(0);
    expect(out.trim()).toBe("5");
  });

  it("runs a command over HTTP exec, the body as its stdin, with its exit code", async () => {
    // Only commands that print nothing: HTTP exec frames have no length prefix, so a client
    // may read two of them as one (the SDK says so); the fake, like the real API, cannot help it.
    const sprite = new SpritesClient(fake.token, { baseURL: fake.url }).sprite("stdin");
    const ok = await sprite.execFileHTTP("bash", ["-c", "cat > from-http.txt"], { input: "posted body" });
    expect(ok.exitCode).toBe(0);
    expect(readFileSync(join(fake.sprite("stdin")?.root ?? "", "home/sprite/from-http.txt"), "utf8")).toBe(
      "posted body",
    );
    await expect(sprite.execFileHTTP("bash", ["-c", "exit 9"])).rejects.toMatchObject({ exitCode: 9 });
  });

  it("stops and starts services with their NDJSON streams, and keeps their logs", async () => {
    const sprite = new SpritesClient(fake.token, { baseURL: fake.url }).sprite("stdin");
    const types = async (stream: AsyncIterable<{ type: string }>) => {
      const seen: string[] = [];
      for await (const e of stream) seen.push(e.type);
      return seen;
    };
    expect(
      await types(await sprite.createService("tick", { cmd: "bash", args: ["-c", "echo tick; sleep 60"] }, "300ms")),
    ).toEqual(["started", "stdout", "complete"]);
    expect(await types(await sprite.stopService("tick"))).toEqual(["stopping", "stopped", "complete"]);
    expect((await sprite.getService("tick")).state?.status).toBe("stopped");
    await expect(sprite.stopService("tick")).rejects.toThrow(/not running|conflict/i);
    expect(await types(await sprite.startService("tick", "300ms"))).toEqual(["started", "stdout", "complete"]);
    expect(existsSync(join(fake.sprite("stdin")?.root ?? "", ".sprite/logs/services/tick.log"))).toBe(true);
    await expect(sprite.createService("two", { cmd: "true", httpPort: 1 })).resolves.toBeDefined();
    await expect(sprite.createService("three", { cmd: "true", httpPort: 2 })).rejects.toThrow(/conflict/i);
  });

  it("makes and lists checkpoints", async () => {
    const sprite = new SpritesClient(fake.token, { baseURL: fake.url }).sprite("stdin");
    const messages: string[] = [];
    for await (const m of await sprite.createCheckpoint("before the upgrade")) messages.push(`${m.type}:${m.data}`);
    expect(messages.at(-1)).toBe("complete:Checkpoint v0 created successfully");
    expect((await sprite.listCheckpoints()).map((c) => [c.id, c.comment])).toEqual([["v0", "before the upgrade"]]);
  });

  it("answers an armed exec failure with its stderr and exit code, without running the command", async () => {
    const sprite = new SpritesClient(fake.token, { baseURL: fake.url }).sprite("stdin");
    fake.faults.addExec({ kind: "fail", match: "touch ran.txt", exitCode: 5, stderr: "disk full\n" });
    const cmd = sprite.spawn("touch", ["ran.txt"]);
    let err = "";
    cmd.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    expect(await cmd.wait()).toBe(5);
    expect(err).toBe("disk full\n");
    expect(existsSync(join(fake.sprite("stdin")?.root ?? "", "home/sprite/ran.txt"))).toBe(false);
  });

  it("opens a Sprite's URL to the public with an update, and fails its URL when told", async () => {
    const client = new SpritesClient(fake.token, { baseURL: fake.url });
    expect((await client.getSprite("stdin")).urlSettings?.auth).toBe("sprite");
    await client.updateURLSettings("stdin", { auth: "public" });
    const sprite = await client.getSprite("stdin");
    expect(sprite.urlSettings?.auth).toBe("public");
    fake.faults.addUrl({ status: 503, body: "edge down" });
    const first = await fetch(sprite.url ?? "");
    expect([first.status, await first.text()]).toEqual([503, "edge down"]);
    // Used up: the next hit reaches the routing again (no service declared http_port: 502).
    expect((await fetch(sprite.url ?? "")).status).toBe(502);
  });

  it("serves the Tasks API on the socket it tells the Sprite's processes about", async () => {
    const client = new SpritesClient(fake.token, { baseURL: fake.url });
    await client.createSprite("tasks");
    const said = await client.sprite("tasks").execFile("bash", ["-c", 'printf %s "$SPARK_SPRITE_API_SOCKET"']);
    const socket = String(said.stdout);
    expect(socket).toBe(fake.sprite("tasks")?.tasksApi?.socket);
    const call = (method: string, path: string, body?: unknown) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { socketPath: socket, method, path, headers: { "content-type": "application/json" } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    expect(await call("POST", "/v1/tasks", { name: "work", expire: 60 })).toBe(201);
    expect(await call("POST", "/v1/tasks", { name: "work", expire: 60 })).toBe(409);
    expect(await call("PUT", "/v1/tasks/work", { expire: "2h" })).toBe(400);
    expect((await client.getSprite("tasks")).status).toBe("running");
    expect(await call("DELETE", "/v1/tasks/work")).toBe(204);
    expect((await client.getSprite("tasks")).status).toBe("warm");
    expect(await call("DELETE", "/v1/tasks/work")).toBe(404);
  });

  it("refuses a wrong token on REST, filesystem and WebSocket alike", async () => {
    const sprite = new SpritesClient("wrong-token", { baseURL: fake.url }).sprite("stdin");
    await expect(sprite.listServices()).rejects.toThrow(/401/);
    await expect(sprite.filesystem("/").readFile("/home/sprite/x")).rejects.toThrow(/unauthorized/);
    await expect(sprite.execFile("true")).rejects.toThrow(/401/);
    expect(fake.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(3);
  });
});
