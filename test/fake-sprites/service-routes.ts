import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "./fs-api.js";
import { type ServiceDef, type ServiceEvent, ServiceTable } from "./services.js";
import { durationMs } from "./sprite-paths.js";
import type { FakeSprite } from "./sprite-store.js";

type Reply = (status: number, body: unknown) => void;

/**
 * `/v1/sprites/{name}/services…`: list, get, create-and-start (PUT), start, stop, restart,
 * logs and delete. The streaming ones answer NDJSON for `duration` (default 5 s, as the real
 * API), then `complete`; a service that dies ends its stream with `exit`.
 */
export async function handleServices(
  sprite: FakeSprite,
  rest: string[],
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  reply: Reply,
): Promise<void> {
  const table = sprite.services;
  const [name, action] = rest;
  const method = req.method ?? "GET";
  if (!name) return method === "GET" ? reply(200, table.list()) : reply(405, { error: "method not allowed" });
  if (name === "signal" && method === "POST") return reply(400, { error: "signal is not supported by the fake" });

  if (!action && method === "PUT") {
    const def = parseServiceDef(name, await readBody(req));
    if (!def) return reply(400, { error: "bad_request", message: "a service needs a cmd" });
    if (table.portTaken(def))
      return reply(409, { error: "conflict", message: "another service already has an HTTP port configured" });
    await table.put(def);
    const backlog: ServiceEvent[] = [];
    const unsubscribe = table.subscribe(name, (e) => backlog.push(e));
    table.start(name);
    unsubscribe();
    return stream(res, table, name, backlog, durationMs(query.get("duration"), 5000));
  }
  if (!table.has(name)) return reply(404, { error: "not_found", message: `service ${name} not found` });
  if (!action && method === "GET") return reply(200, table.json(name));
  if (!action && method === "DELETE") {
    table.delete(name);
    res.writeHead(204).end();
    return;
  }
  if (action === "start" && method === "POST") {
    const backlog: ServiceEvent[] = [];
    const unsubscribe = table.subscribe(name, (e) => backlog.push(e));
    table.start(name);
    unsubscribe();
    return stream(res, table, name, backlog, durationMs(query.get("duration"), 5000));
  }
  if (action === "stop" && method === "POST") {
    if (!table.isRunning(name)) return reply(409, { error: "conflict", message: `service ${name} is not running` });
    const events: ServiceEvent[] = [];
    const unsubscribe = table.subscribe(name, (e) => events.push(e));
    await table.stop(name, durationMs(query.get("timeout"), 10_000));
    unsubscribe();
    return stream(res, table, name, events, 0);
  }
  if (action === "restart" && method === "POST") {
    const events: ServiceEvent[] = [];
    const unsubscribe = table.subscribe(name, (e) => events.push(e));
    await table.stop(name, 10_000);
    table.start(name);
    unsubscribe();
    return stream(res, table, name, events, durationMs(query.get("duration"), 5000));
  }
  if (action === "logs" && method === "GET") {
    const lines = Number(query.get("lines") ?? 100);
    return stream(res, table, name, table.history(name, lines), durationMs(query.get("duration"), 0));
  }
  reply(404, { error: "not_found", message: `no route ${method} services/${rest.join("/")}` });
}

function stream(res: ServerResponse, table: ServiceTable, name: string, backlog: ServiceEvent[], forMs: number): void {
  res.writeHead(200, { "Content-Type": "application/x-ndjson" });
  const write = (e: ServiceEvent) => res.write(`${JSON.stringify(e)}\n`);
  const complete = () => {
    unsubscribe();
    clearTimeout(timer);
    if (!res.writableEnded)
      res.end(
        `${JSON.stringify({ type: "complete", timestamp: Date.now(), log_files: ServiceTable.logFiles(name) })}\n`,
      );
  };
  for (const e of backlog) write(e);
  const unsubscribe = table.subscribe(name, (e) => {
    write(e);
    if (e.type === "exit") {
      unsubscribe();
      clearTimeout(timer);
      res.end();
    }
  });
  const timer = setTimeout(complete, forMs);
  res.on("close", () => {
    unsubscribe();
    clearTimeout(timer);
  });
  if (backlog.some((e) => e.type === "exit")) {
    unsubscribe();
    clearTimeout(timer);
    res.end();
  }
}

function parseServiceDef(name: string, body: Buffer): ServiceDef | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(body.toString() || "{}") as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof raw.cmd !== "string" || raw.cmd === "") return undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const env =
    raw.env && typeof raw.env === "object"
      ? Object.fromEntries(Object.entries(raw.env).filter(([, v]) => typeof v === "string"))
      : {};
  return {
    name,
    cmd: raw.cmd,
    args: strings(raw.args),
    env: env as Record<string, string>,
    dir: typeof raw.dir === "string" ? raw.dir : null,
    needs: strings(raw.needs),
    http_port: typeof raw.http_port === "number" ? raw.http_port : null,
  };
}
