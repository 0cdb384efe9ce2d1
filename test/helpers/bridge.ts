import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSseParser, type SseMessage } from "../../sidecar/bridge/sse-wire.js";
import type { MockModel } from "../fakes/mock-openai.js";
import { CLI } from "./cli.js";
import { piAgentDir, piEnv } from "./pi-cli.js";
import { collectOutput, type Finished, finished, jsonLines, waitFor } from "./processes.js";

/** A token good enough for the bridge (it refuses short ones). */
export function newToken(): string {
  return randomBytes(24).toString("hex");
}

/** `manifest sidecar --headless --web` in a project, on a free port, with the mock model. */
export interface WebSidecar {
  url: string;
  token: string;
  child: ChildProcess;
  lines(): Array<Record<string, unknown>>;
  stderr(): string;
  stop(): Promise<Finished>;
}

export async function startWebSidecar(
  root: string,
  model: Pick<MockModel, "modelsJson"> | undefined,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; token?: string; runtime?: string; port?: number } = {},
): Promise<WebSidecar> {
  const token = options.token ?? newToken();
  const args = [
    CLI,
    "sidecar",
    "--headless",
    "--web",
    "--port",
    String(options.port ?? 0),
    ...(model ? ["--model", "mock/mock-model"] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(options.runtime ?? process.execPath, args, {
    cwd: root,
    // SPARK_ROOT: a stray .spark/ in a parent folder (/tmp) must not become this project.
    env: piEnv(piAgentDir(root, model), { SPARK_WEB_TOKEN: token, SPARK_ROOT: root, ...options.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const done = finished(child, output);
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  const web = await waitFor(
    () => {
      if (exited) throw new Error(`the sidecar exited before serving:\n${output.stdout()}\n${output.stderr()}`);
      return jsonLines(output).find((l) => l.type === "web");
    },
    "the bridge's web line",
    40_000,
    50,
  );
  return {
    url: String(web.url),
    token,
    child,
    lines: () => jsonLines(output),
    stderr: () => output.stderr(),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return done;
    },
  };
}

/** A JSON call to the bridge with the token (or `auth: false`, or other headers). */
export async function call(
  base: { url: string; token: string },
  method: string,
  path: string,
  body?: unknown,
  options: { auth?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== false) headers.authorization = `Bearer ${base.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: response.status, json, headers: response.headers, text };
}

/** One SSE message with its data parsed. */
export interface Received extends SseMessage {
  json: Record<string, unknown>;
}

/** A client of `GET /starter/events`: what it received, in order. */
export interface EventClient {
  received: Received[];
  /** Waits for a message that satisfies `match`, after `from` (an index into `received`). */
  next(match: (m: Received) => boolean, what: string, timeoutMs?: number, from?: number): Promise<Received>;
  lastEventId(): string | undefined;
  comments(): number;
  /** Whether the server ended the stream. */
  ended(): boolean;
  close(): void;
}

/** Opens the event stream (with `Last-Event-ID` when given); resolves once the `hello` arrived. */
export async function openEvents(
  base: { url: string; token: string },
  options: { lastEventId?: string; headers?: Record<string, string> } = {},
): Promise<EventClient> {
  const controller = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${base.token}`, ...options.headers };
  if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
  const response = await fetch(`${base.url}/starter/events`, { headers, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`event stream refused: ${response.status}`);
  const parser = createSseParser();
  const received: Received[] = [];
  let ended = false;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const m of parser.push(value)) {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(m.data) as Record<string, unknown>;
          } catch {}
          received.push({ ...m, json });
        }
      }
    } catch {
      // Aborted by close(), or cut by the server.
    }
    ended = true;
  })();
  const client: EventClient = {
    received,
    next: (match, what, timeoutMs = 30_000, from = 0) =>
      waitFor(() => received.slice(from).find(match), what, timeoutMs),
    lastEventId: () => parser.lastEventId(),
    comments: () => parser.comments(),
    ended: () => ended,
    close: () => controller.abort(),
  };
  await client.next((m) => m.event === "hello", "the hello event", 10_000);
  return client;
}

/** A Pi session event of the given type, as the bridge sends it. */
export const piEvent =
  (type: string, extra: (json: Record<string, unknown>) => boolean = () => true) =>
  (m: Received) =>
    m.event === "pi" && m.json.type === type && extra(m.json);
