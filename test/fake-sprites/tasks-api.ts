import { mkdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { readBody } from "./fs-api.js";
import { durationMs } from "./sprite-paths.js";

/** A task holding a Sprite awake (the Tasks API's model). */
export interface FakeTask {
  name: string;
  startedAt: number;
  expiresAt: number;
}

/** One call to a Sprite's Tasks API, as a test reads it afterwards. */
export interface TaskCall {
  at: number;
  method: string;
  name: string | undefined;
  status: number;
}

/** A Sprite's Tasks API: its tasks, what was asked of it, and its socket. */
export interface TasksApi {
  /** Where the socket is on the host (`/.sprite/api.sock` inside the Sprite). */
  socket: string;
  tasks: Map<string, FakeTask>;
  calls: TaskCall[];
  /** Whether a task holds the Sprite awake now. */
  holding(now?: number): boolean;
  close(): Promise<void>;
}

const MAX_EXPIRE_MS = 3_600_000;

/**
 * The Tasks API on a Sprite's management socket (docs.sprites.dev/keeping-sprites-running):
 * `POST /v1/tasks {name, expire}` (201, 409 when the name is taken), `PUT /v1/tasks/:name
 * {expire}` (create or refresh, 200), `DELETE /v1/tasks/:name` (204, 404), `GET /v1/tasks`
 * and `GET /v1/tasks/:name`. `expire` is seconds or a duration, at most an hour. HTTP on a
 * unix socket at `<root>/.sprite/api.sock`; the fake tells its processes where
 * (SPARK_SPRITE_API_SOCKET), since an absolute path in a fake Sprite would be the host's.
 */
export async function startTasksApi(root: string): Promise<TasksApi> {
  const dir = join(root, ".sprite");
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, "api.sock");
  rmSync(socket, { force: true });
  const tasks = new Map<string, FakeTask>();
  const calls: TaskCall[] = [];
  const live = (now = Date.now()) => {
    for (const [name, task] of tasks) if (task.expiresAt <= now) tasks.delete(name);
    return tasks;
  };
  const json = (task: FakeTask) => ({
    name: task.name,
    started_at: new Date(task.startedAt).toISOString(),
    expires_at: new Date(task.expiresAt).toISOString(),
  });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sprite");
    const parts = url.pathname.split("/").filter(Boolean);
    const method = req.method ?? "GET";
    const call: TaskCall = { at: Date.now(), method, name: parts[2], status: 0 };
    calls.push(call);
    const reply = (status: number, body?: unknown) => {
      call.status = status;
      res.writeHead(status, body === undefined ? {} : { "Content-Type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (parts[0] !== "v1" || parts[1] !== "tasks" || parts.length > 3) return reply(404, { error: "not found" });
    const body = method === "POST" || method === "PUT" ? parseJson((await readBody(req)).toString()) : {};
    const name = parts[2] ?? (typeof body?.name === "string" ? body.name : undefined);
    call.name = name;
    live();
    if (method === "GET") {
      if (!parts[2]) return reply(200, { tasks: [...tasks.values()].map(json) });
      const task = tasks.get(parts[2]);
      return task ? reply(200, json(task)) : reply(404, { error: "no such task" });
    }
    if (method === "DELETE" && parts[2])
      return tasks.delete(parts[2]) ? reply(204) : reply(404, { error: "no such task" });
    if ((method === "POST" && !parts[2]) || method === "PUT") {
      if (!name) return reply(400, { error: "a task needs a name" });
      const expireMs = expireOf(body?.expire);
      if (expireMs === undefined || expireMs <= 0 || expireMs > MAX_EXPIRE_MS)
        return reply(400, { error: "expire is seconds or a duration, at most 1h" });
      if (method === "POST" && tasks.has(name)) return reply(409, { error: "a task of that name exists" });
      const now = Date.now();
      const task = { name, startedAt: tasks.get(name)?.startedAt ?? now, expiresAt: now + expireMs };
      tasks.set(name, task);
      return reply(method === "POST" ? 201 : 200, json(task));
    }
    reply(405, { error: "method not allowed" });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    tasks,
    calls,
    holding: (now) => live(now).size > 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function expireOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value * 1000;
  if (typeof value === "string") return durationMs(value, Number.NaN) || undefined;
  return undefined;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text || "{}");
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
