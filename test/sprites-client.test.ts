import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SpriteError } from "../bootstrap/sprite-error.js";
import { recordedUrls, type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { freePort, waitFor } from "./helpers/processes.js";

const scenes: SpritesScene[] = [];
afterEach(async () => {
  for (const s of scenes.splice(0)) await s.fake.close();
});
async function scene(options: Parameters<typeof spritesScene>[0] = {}) {
  const s = await spritesScene(options);
  scenes.push(s);
  return s;
}

async function failure(promise: Promise<unknown>): Promise<SpriteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpriteError);
  return error as SpriteError;
}

describe("the Sprites client over the real SDK, against the fake", () => {
  it("creates, lists, runs, stores files, and deletes a Sprite", async () => {
    const { api, fake } = await scene();
    const created = await api.create("box");
    expect(created).toMatchObject({ name: "box", status: "cold" });
    expect(created.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await api.list()).map((s) => s.name)).toEqual(["box"]);

    const ok = await api.run("box", "echo out; echo err >&2; pwd");
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.toString()).toBe(`out\n${join(fake.sprite("box")?.root ?? "", "home/sprite")}\n`);
    expect(ok.stderr.toString()).toBe("err\n");
    expect((await api.run("box", "exit 7")).exitCode).toBe(7);
    // stdin is closed: a command that reads it sees EOF instead of hanging.
    expect((await api.exec("box", ["cat"])).stdout.toString()).toBe("");
    // Words travel as they are: nothing is parsed by a shell.
    const words = await api.exec("box", ["printf", "%s|", "a b", "$HOME", "'; rm -rf x"]);
    expect(words.stdout.toString()).toBe("a b|$HOME|'; rm -rf x|");
    expect((await api.get("box")).status).toBe("warm");

    await api.writeFile("box", "/home/sprite/notes/a.txt", "hello\n", { mode: 0o600 });
    expect((await api.readFile("box", "/home/sprite/notes/a.txt")).toString()).toBe("hello\n");
    expect(statSync(join(fake.sprite("box")?.root ?? "", "home/sprite/notes/a.txt")).mode & 0o777).toBe(0o600);

    await api.delete("box");
    const gone = await failure(api.get("box"));
    expect(gone.kind).toBe("not-found");
    expect(gone.message).toBe('There is no Sprite named "box".');
    expect(gone.next).toContain("manifest sprite create box");
  });

  it("streams 50 MB of stdout intact", async () => {
    const { api } = await scene();
    await api.create("big");
    const hash = createHash("sha256");
    let bytes = 0;
    const result = await api.exec("big", ["bash", "-c", "yes 'spark sprites line' | head -c 52428800"], {
      onStdout: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
    });
    expect(result.exitCode).toBe(0);
    expect(bytes).toBe(52_428_800);
    const line = Buffer.from("spark sprites line\n");
    const expected = createHash("sha256");
    const block = Buffer.concat(Array.from({ length: 1 << 14 }, () => line));
    let left = 52_428_800;
    while (left > 0) {
      const piece = block.subarray(0, Math.min(block.length, left));
      expected.update(piece);
      left -= piece.length;
    }
    expect(hash.digest("hex")).toBe(expected.digest("hex"));
  });

  it("runs 20 commands in parallel, each with its own output, and leaves no socket open", async () => {
    const { api, fake } = await scene();
    await api.create("par");
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.exec("par", ["bash", "-c", `echo job-${i}; exit $((${i} % 3))`])),
    );
    results.forEach((r, i) => {
      expect(r.stdout.toString()).toBe(`job-${i}\n`);
      expect(r.exitCode).toBe(i % 3);
    });
    await waitFor(() => fake.openExecSockets() === 0, "every exec socket closed");
  });

  it("kills a command that outlives its timeout, and closes its socket", async () => {
    const { api, fake } = await scene();
    await api.create("slow");
    const error = await failure(api.run("slow", "sleep 30", { timeoutMs: 300 }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain('Sprite "slow"');
    await waitFor(() => fake.sprite("slow")?.processes.size === 0, "the remote sleep killed");
    await waitFor(() => fake.openExecSockets() === 0, "the socket closed");
  });

  it("starts a service that is reachable on the Sprite's URL, and reports one that dies", async () => {
    const { api } = await scene();
    const box = await api.create("web");
    const port = await freePort();
    const script = `require("http").createServer((q, s) => s.end("hi from " + process.env.SPRITE_NAME)).listen(${port}, "127.0.0.1")`;
    const started = await api.startService("web", {
      name: "app",
      cmd: process.execPath,
      args: ["-e", script],
      httpPort: port,
    });
    expect(started).toMatchObject({ name: "app", status: "running", httpPort: port, loadsSecrets: true });
    const body = await waitFor(
      () =>
        fetch(box.url ?? "").then(
          (r) => (r.ok ? r.text() : undefined),
          () => undefined,
        ),
      "the URL answering",
    );
    expect(body).toBe("hi from web");

    const died = await failure(
      api.startService("web", { name: "bad", cmd: "bash", args: ["-c", "echo broken >&2; exit 4"] }),
    );
    expect(died.message).toMatch(/Service bad in Sprite "web" exited at once with code 4: broken/);
    const lines: string[] = [];
    await api.serviceLogs("web", "bad", { onLine: (l) => lines.push(`${l.type}:${l.data ?? l.exitCode ?? ""}`) });
    expect(lines).toContain("stderr:broken\n");
  });
});

describe("faults: recovered when safe, reported clearly when not", () => {
  it("a lost exit frame is retried for an idempotent command and reported for any other", async () => {
    const { api, fake } = await scene();
    await api.create("race");
    fake.faults.addExec({ kind: "close-without-exit", match: "marker-1" });
    const retried = await api.exec("race", ["echo", "marker-1"], { idempotent: true });
    expect(retried.stdout.toString()).toBe("marker-1\n");

    fake.faults.addExec({ kind: "close-without-exit", match: "marker-2" });
    const lost = await failure(api.exec("race", ["echo", "marker-2"]));
    expect(lost.kind).toBe("exit-lost");
    expect(lost.message).toContain("may or may not have finished");
    await waitFor(() => fake.openExecSockets() === 0, "sockets closed");
  });

  it("a refused connection is retried even for a one-off command: it never started", async () => {
    const { api, fake } = await scene();
    await api.create("refuse");
    fake.faults.addExec({ kind: "refuse-upgrade", match: "touch", status: 503, times: 2 });
    const result = await api.exec("refuse", ["bash", "-c", "touch ran; ls"]);
    expect(result.stdout.toString()).toBe("ran\n");
    expect(fake.requests.filter((r) => r.websocket && r.status === 503)).toHaveLength(2);
  });

  it("5xx then success is retried; a 429 waits its Retry-After", async () => {
    const { api, fake } = await scene();
    await api.create("flaky");
    fake.faults.addHttp({ method: "GET", path: /^\/v1\/sprites\/flaky$/, status: 502, times: 2 });
    expect((await api.get("flaky")).name).toBe("flaky");
    fake.faults.addHttp({
      method: "GET",
      path: /^\/v1\/sprites$/,
      status: 429,
      headers: { "Retry-After": "1" },
      body: { error: "rate_limited", message: "slow down", retry_after_seconds: 1 },
    });
    const t0 = Date.now();
    expect((await api.list()).map((s) => s.name)).toEqual(["flaky"]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it.each([400, 409] as const)("creating a name that exists (%i) says so", async (status) => {
    const { api } = await scene({ existingNameStatus: status });
    await api.create("dup");
    const error = await failure(api.create("dup"));
    expect(error.kind).toBe("exists");
    expect(error.message).toBe('A Sprite named "dup" already exists.');
  });

  it("a create whose answer was lost finds the Sprite it made on the retry instead of failing", async () => {
    const { api, fake } = await scene();
    fake.faults.addHttp({ method: "POST", path: /^\/v1\/sprites$/, status: 503, afterWork: true });
    expect((await api.create("made-once")).name).toBe("made-once");
    const creates = fake.requests.filter((r) => r.method === "POST" && r.url === "/v1/sprites");
    expect(creates.map((r) => r.status)).toEqual([503, 400]);
  });

  it("a bad token says how to set one, and no token byte is in any message or URL", async () => {
    const { fake } = await scene();
    const { SpritesClient } = await import("@fly/sprites");
    const { SdkSprites } = await import("../bootstrap/sdk-adapter.js");
    const wrong = `${fake.token}-wrong`;
    const api = new SdkSprites(new SpritesClient(wrong, { baseURL: fake.url }), [wrong]);
    // One at a time: a call made ahead of its await would reject unobserved meanwhile.
    for (const attempt of [() => api.list(), () => api.exec("any", ["true"]), () => api.readFile("any", "/x")]) {
      const error = await failure(attempt());
      expect(error.kind).toBe("auth");
      expect(error.next).toContain("SPRITES_TOKEN");
      expect(error.message).not.toContain(fake.token.slice(-12));
      expect(error.message).not.toContain("http://");
    }
    expect(recordedUrls(fake)).not.toContain(fake.token.slice(-12));
  });
});
