import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { collectOutput, type Finished, finished, type Output, waitFor } from "./processes.js";
import { REPO } from "./repo.js";

/** The fixture apps of test/fixtures/frameworks/, one per framework. */
export const FIXTURES = join(REPO, "test/fixtures/frameworks");

/** A fixture app running on 127.0.0.1. */
export interface RunningApp {
  url: string;
  output: Output;
  child: ChildProcess;
  stop(): Promise<Finished>;
}

/**
 * Starts `fixture` (a file of test/fixtures/frameworks/) with `args`, writing its events under
 * `root` (SPARK_ROOT, so nothing else is needed there), and waits for its port line.
 */
export async function startApp(
  fixture: string,
  args: string[],
  root: string,
  options: { runtime?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningApp> {
  const child = spawn(options.runtime ?? process.execPath, [join(FIXTURES, fixture), ...args], {
    cwd: root,
    env: { ...process.env, SPARK_ENABLED: "", SPARK_ENV: "", NODE_ENV: "", SPARK_ROOT: root, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const done = finished(child, output);
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  const port = await waitFor(
    () => {
      if (exited) throw new Error(`${fixture} exited before listening:\n${output.stderr()}`);
      const line = output.lines().find((l) => l.startsWith('{"port"'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
    `${fixture} to listen`,
    30_000,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    output,
    child,
    stop: async () => {
      if (!exited) child.kill("SIGTERM");
      return done;
    },
  };
}

/** An event file's body, as far as these tests read it. */
export interface EventBody {
  id: string;
  type: string;
  route?: string;
  status?: number;
  traceId: string;
  fingerprint: string;
  error: { name?: string; message: string; stack?: string };
  request?: { input?: { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown } };
  framework?: { name: string; responseStarted?: boolean; [fact: string]: unknown };
}

/** The pending events under `root`, oldest first. */
export function pendingEvents(root: string): EventBody[] {
  const dir = join(root, ".spark/events");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as EventBody);
}

/** Waits until `count` events that match are on disk, and returns them. */
export function eventsWhere(
  root: string,
  match: (event: EventBody) => boolean,
  what: string,
  count = 1,
): Promise<EventBody[]> {
  return waitFor(() => {
    const found = pendingEvents(root).filter(match);
    return found.length >= count ? found : undefined;
  }, `${count} event(s) ${what}`);
}

/** Waits until `count` events whose error message is `message` are on disk, and returns them. */
export function eventWith(root: string, message: string, count = 1): Promise<EventBody[]> {
  return eventsWhere(root, (e) => e.error.message === message, `with message "${message}"`, count);
}

/** What a request got back: the status and the whole body, or how reading it failed. */
export interface Answer {
  status: number;
  body: string;
  broken?: string;
}

/**
 * Sends one request with an `x-request-id`, and reads the whole answer. A connection that
 * breaks, or a body still open after `timeoutMs` (a failed stream some frameworks never end),
 * is an answer too: `broken` says how.
 */
export async function ask(
  url: string,
  path: string,
  requestId: string,
  init: { method?: string; json?: unknown; raw?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { "x-request-id": requestId };
  let body: string | undefined;
  if (init.json !== undefined || init.raw !== undefined) {
    headers["content-type"] = "application/json";
    body = init.raw ?? JSON.stringify(init.json);
  }
  const signal = AbortSignal.timeout(init.timeoutMs ?? 10_000);
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, { method: init.method ?? "GET", headers, body, signal });
  } catch (error) {
    return { status: 0, body: "", broken: (error as Error).message };
  }
  try {
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: response.status, body: "", broken: (error as Error).message };
  }
}
