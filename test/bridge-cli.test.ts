import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

/** `manifest sidecar --web`'s flags and its token: what it refuses, and what it makes. */

const started: WebSidecar[] = [];
beforeAll(requireBuild);
afterAll(async () => {
  for (const s of started) await s.stop();
});

const sidecar = (root: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  manifest(["sidecar", "--headless", ...args], root, { SPARK_ROOT: root, ...env });

describe("manifest sidecar --web refuses", () => {
  it("a host beyond this machine without SPARK_WEB_TOKEN, saying why and what to set", async () => {
    const { root } = tempProject();
    const result = await sidecar(root, ["--web", "--host", "0.0.0.0", "--port", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--host 0.0.0.0 listens beyond this machine");
    expect(result.stderr).toContain("SPARK_WEB_TOKEN");
    expect(result.stdout).not.toContain('"type":"web"');
  });

  it("a token too short to guard an agent", async () => {
    const { root } = tempProject();
    const result = await sidecar(root, ["--web", "--port", "0"], { SPARK_WEB_TOKEN: "hunter2" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("at least 16 characters");
    expect(result.stderr).not.toContain("hunter2");
  });

  it("a port that is not one, and the bridge's flags without --web", async () => {
    const { root } = tempProject();
    const bad = await sidecar(root, ["--web", "--port", "99999"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a port number (0 to 65535), got "99999"');
    const noWeb = await sidecar(root, ["--proxy-app"]);
    expect(noWeb.code).toBe(2);
    expect(noWeb.stderr).toContain("Add --web");
  });

  it("a port in use, naming it, before Pi loads", async () => {
    const { root } = tempProject();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await sidecar(root, ["--web", "--port", String(port)], { SPARK_WEB_TOKEN: "x".repeat(32) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      taken.close();
    }
  });
});

describe("on loopback without SPARK_WEB_TOKEN", () => {
  it("generates a token, prints it once, keeps it 0600 in .spark/, and uses it again next time", async () => {
    const { root, paths } = tempProject();
    const first = await startWebSidecar(root, undefined, { env: { SPARK_WEB_TOKEN: "" } });
    started.push(first);
    const file = join(paths.spark, "web-token");
    const token = readFileSync(file, "utf8").trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(paths.spark).mode & 0o777).toBe(0o700);
    expect(first.stderr()).toContain(token);
    expect(first.lines().find((l) => l.type === "web")).toMatchObject({ token: file });
    expect(JSON.stringify(first.lines())).not.toContain(token);
    expect((await call({ url: first.url, token }, "GET", "/starter/state")).status).toBe(200);
    expect((await call(first, "GET", "/starter/state")).status).toBe(401);
    await first.stop();

    const second = await startWebSidecar(root, undefined, { env: { SPARK_WEB_TOKEN: "" } });
    started.push(second);
    expect(second.stderr()).not.toContain(token);
    expect((await call({ url: second.url, token }, "GET", "/starter/state")).status).toBe(200);
  });
});
