import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { finished, waitFor } from "./processes.js";
import { REPO } from "./repo.js";

/** Copies examples/hello-app into `dir`, linked to this repository's built package. */
export function copyHelloApp(dir: string): void {
  cpSync(join(REPO, "examples/hello-app"), dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules/manifest-spark"), "dir");
}

/** A running hello-app on a free loopback port. */
export interface RunningApp {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the app (`node [--watch] server.js`) and resolves once it listens. */
export async function startHelloApp(
  dir: string,
  options: { watch?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningApp> {
  const args = options.watch ? ["--watch", "server.js"] : ["server.js"];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", SPARK_ENABLED: "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const done = finished(child);
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    void done.then((r) => reject(new Error(`hello-app exited (${r.code}) before listening:\n${output}`)));
  });
  return {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      await done.catch(() => undefined);
    },
  };
}

/** `POST /users` with a JSON body; resolves to the status and the parsed body. */
export async function createUser(
  url: string,
  body: unknown,
  requestId?: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/users`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(requestId ? { "x-request-id": requestId } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Waits until `POST /users {"name":"Ada"}` answers 200 (node --watch restarts the app after a fix). */
export async function waitForFixed(url: string, timeoutMs = 20_000): Promise<number> {
  return waitFor(
    async () => {
      const r = await createUser(url, { name: "Ada" }).catch(() => undefined);
      return r?.status === 200 ? r.status : undefined;
    },
    "the same request to succeed",
    timeoutMs,
  );
}
