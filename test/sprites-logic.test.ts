import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { argvArgs, scriptArgs, stripHeartbeat } from "../bootstrap/command-script.js";
import { configDir, loadCredentials, saveToken, tokenFile } from "../bootstrap/credentials.js";
import { DEFAULT_RETRY, retryDelay, withRetry } from "../bootstrap/retry.js";
import { scrubText } from "../bootstrap/scrub.js";
import { formatSecrets, isSecretName, loadsSecrets, parseSecrets, withSecrets } from "../bootstrap/secrets-file.js";
import { classifyError, toSpriteError } from "../bootstrap/sprite-error.js";

const TOKEN = "org/tok-123/s3cr3tvalue9876";

describe("scrubbing SDK text", () => {
  it("removes the exec URL (with its env= values), other URLs, bearer headers and known secrets", () => {
    const sdk = `WebSocket error: Unexpected server response: 401 (url: ws://127.0.0.1:9/v1/sprites/a/exec?cmd=bash&env=API_KEY%3Dhunter22)`;
    expect(scrubText(sdk, [TOKEN])).toBe("WebSocket error: Unexpected server response: 401");
    expect(scrubText(`fetch https://api.sprites.dev/v1?x=1 failed; Authorization: Bearer ${TOKEN}`, [TOKEN])).toBe(
      "fetch <url> failed; Authorization: [REDACTED]",
    );
    expect(scrubText(`token was ${TOKEN}!`, [TOKEN])).toBe("token was [REDACTED]!");
  });
});

describe("classifying errors", () => {
  const api = (statusCode: number, retryAfter?: number) =>
    Object.assign(new Error(`status ${statusCode}`), { statusCode, getRetryAfterSeconds: () => retryAfter });
  it.each([
    [api(401), "auth"],
    [api(403), "auth"],
    [api(404), "not-found"],
    [Object.assign(new Error("not_found"), { code: "UNKNOWN" }), "not-found"],
    [api(409), "exists"],
    [new Error("Failed to create sprite (status 400): a sprite named x already exists"), "exists"],
    [api(503), "server"],
    [new Error("WebSocket error: Unexpected server response: 502 (url: ws://x)"), "server"],
    [Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } }), "network"],
    [new Error("WebSocket keepalive timeout"), "keepalive"],
    [Object.assign(new Error("Command failed with exit code -1"), { exitCode: -1 }), "exit-lost"],
    [Object.assign(new Error("Command failed with exit code 2"), { exitCode: 2 }), "other"],
  ])("%s is %s", (error, kind) => {
    expect(classifyError(error).kind).toBe(kind);
  });

  it("keeps the Retry-After of a 429 and says how long", () => {
    const error = toSpriteError(api(429, 7), { doing: "creating the Sprite", sprite: "a", secrets: [] });
    expect(error).toMatchObject({ kind: "rate-limited", retryAfterMs: 7000 });
    expect(error.message).toContain("asked to wait 7 s");
  });

  it("never lets the token through a message", () => {
    const error = toSpriteError(new Error(`boom ${TOKEN} (url: http://h/?t=${TOKEN})`), {
      doing: "x",
      secrets: [TOKEN],
    });
    expect(error.message).not.toContain("s3cr3tvalue");
  });
});

describe("retrying", () => {
  const server = Object.assign(new Error("x"), { statusCode: 503 });
  it("backs off exponentially, retries only transient failures, and stops after the last attempt", () => {
    expect(retryDelay(server, 1, DEFAULT_RETRY, 0.5)).toBe(250);
    expect(retryDelay(server, 2, DEFAULT_RETRY, 0.5)).toBe(500);
    expect(retryDelay(server, 4, DEFAULT_RETRY, 0.5)).toBeUndefined();
    expect(retryDelay(Object.assign(new Error("x"), { statusCode: 404 }), 1, DEFAULT_RETRY)).toBeUndefined();
    expect(retryDelay(Object.assign(new Error("x"), { statusCode: 401 }), 1, DEFAULT_RETRY)).toBeUndefined();
  });

  it("waits what a 429 asked for, or gives up when that is too long", () => {
    const limited = (s: number) => Object.assign(new Error("x"), { statusCode: 429, getRetryAfterSeconds: () => s });
    expect(retryDelay(limited(3), 1, DEFAULT_RETRY)).toBe(3000);
    expect(retryDelay(limited(600), 1, DEFAULT_RETRY)).toBeUndefined();
  });

  it("runs the step again after each wait, and rethrows what may not be retried", async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw server;
        return "done";
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(value).toBe("done");
    expect(waits).toHaveLength(2);
    await expect(
      withRetry(
        async () => {
          throw server;
        },
        { sleep: async () => {}, retryable: () => false },
      ),
    ).rejects.toBe(server);
  });
});

describe("command scripts", () => {
  it("passes argv as positional parameters and closes stdin", () => {
    const args = argvArgs(["echo", "$(rm -rf /)", "a b"]);
    expect(args.slice(-3)).toEqual(["echo", "$(rm -rf /)", "a b"]);
    expect(args[1]).toContain('"$@" </dev/null');
    expect(scriptArgs("make build")[1]).toContain("(\nmake build\n) </dev/null");
  });

  it("strips the heartbeat's NUL bytes from stderr and nothing else", () => {
    expect(stripHeartbeat(Buffer.from("a\0b\0\0c")).toString()).toBe("abc");
    const plain = Buffer.from("no heartbeat");
    expect(stripHeartbeat(plain)).toBe(plain);
  });
});

describe("the secrets file", () => {
  it("round-trips values with quotes, newlines and shell characters", () => {
    const secrets = new Map([
      ["API_KEY", 'it\'s $HOME `x` "q"'],
      ["MULTI", "line1\nexport FAKE='no'\nline3"],
      ["EMPTY", ""],
    ]);
    expect(parseSecrets(formatSecrets(secrets))).toEqual(secrets);
  });

  it("accepts only shell variable names", () => {
    expect(isSecretName("API_KEY")).toBe(true);
    expect(["1X", "A-B", "A B", ""].some(isSecretName)).toBe(false);
  });

  it("wraps a service so it sources the file, and recognises the wrapped ones", () => {
    const wrapped = withSecrets("node", ["server.js", "--port", "8080"]);
    expect(wrapped.args.slice(-4)).toEqual(["node", "server.js", "--port", "8080"]);
    expect(loadsSecrets(wrapped)).toBe(true);
    expect(loadsSecrets({ cmd: "node", args: ["server.js"] })).toBe(false);
  });

  it("loads a service's own env file after the secrets file, and refuses a name that is not one", () => {
    const home = mkdtempSync(join(tmpdir(), "spark-home-"));
    mkdirSync(join(home, ".config/manifest"), { recursive: true });
    writeFileSync(
      join(home, ".config/manifest/secrets.env"),
      formatSecrets(
        new Map([
          ["A", "from-secrets"],
          ["B", "b"],
        ]),
      ),
    );
    writeFileSync(join(home, ".config/manifest/bridge.env"), formatSecrets(new Map([["A", "from-bridge"]]), "mine"));
    const wrapped = withSecrets("bash", ["-c", 'printf "%s %s" "$A" "$B"'], ["bridge.env"]);
    const out = execFileSync(wrapped.cmd, wrapped.args, { env: { PATH: process.env.PATH, HOME: home } });
    expect(out.toString()).toBe("from-bridge b");
    expect(() => withSecrets("node", [], ["../x.env"])).toThrow(/not an env file name/);
    expect(() => withSecrets("node", [], ["secrets.env"])).toThrow(/not an env file name/);
  });
});

describe("credentials", () => {
  it("prefers SPRITES_TOKEN, else the saved login (0600 in a 0700 folder under XDG_CONFIG_HOME)", () => {
    const xdg = mkdtempSync(join(tmpdir(), "spark-xdg-"));
    const env = { XDG_CONFIG_HOME: xdg, SPRITES_API_URL: "http://127.0.0.1:1" };
    expect(configDir(env)).toBe(join(xdg, "manifest"));
    expect(loadCredentials(env)).toBeUndefined();
    saveToken(TOKEN, env);
    expect(readFileSync(tokenFile(env), "utf8")).toBe(`${TOKEN}\n`);
    expect(statSync(tokenFile(env)).mode & 0o777).toBe(0o600);
    expect(statSync(configDir(env)).mode & 0o777).toBe(0o700);
    expect(loadCredentials(env)).toEqual({ token: TOKEN, source: "login", baseURL: "http://127.0.0.1:1" });
    expect(loadCredentials({ ...env, SPRITES_TOKEN: "from-env-token" })?.source).toBe("SPRITES_TOKEN");
  });
});

describe("the Sprite tools' gate", () => {
  it("always lets reads through, and changes only at full (asking at approve)", async () => {
    const { gateSpriteTool } = await import("../pi-extensions/sprites/gate.js");
    expect(gateSpriteTool("read-only", "sprite_read")).toBe("allow");
    expect(gateSpriteTool("read-only", "sprite_list")).toBe("allow");
    expect(gateSpriteTool("full", "sprite_exec")).toBe("allow");
    expect(gateSpriteTool("approve", "sprite_write")).toBe("ask");
    expect(gateSpriteTool("read-only", "sprite_exec")).toBe("block");
    expect(gateSpriteTool("future-level", "sprite_write")).toBe("block");
  });

  it("caps output keeping the end, with a note of what was cut", async () => {
    const { forModel } = await import("../pi-extensions/sprites/output.js");
    expect(forModel(Buffer.from("abcdefghij"), 4, "tail")).toBe("[… 6 of 10 bytes cut …]\nghij");
    expect(forModel(Buffer.from("abcdefghij"), 4, "head")).toBe("abcd\n[… 6 of 10 bytes cut …]");
    expect(forModel(Buffer.from("password=hunter2hunter2"), 100, "head")).not.toContain("hunter2");
  });
});
