/**
 * A fake of the Sprites API for tests: the REST, NDJSON and WebSocket surface that
 * `@fly/sprites` 0.1.0 uses, on 127.0.0.1, checking a bearer token. Each Sprite is a temp
 * folder in which commands and services really run, with its own URL routed to its
 * `http_port` service. Faults are armed through `faults`; every request is in `requests`.
 * See ../../../shared/reference/sprites-sdk.md §4 for the protocol it follows.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type WebSocket, WebSocketServer } from "ws";
import { handleCheckpoints } from "./checkpoints.js";
import { runExecHttp } from "./exec-http.js";
import { parseExecQuery, runExecSocket } from "./exec-ws.js";
import { FaultPlan } from "./faults.js";
import { handleFs } from "./fs-api.js";
import { handleServices } from "./service-routes.js";
import { rebootSprite, sleepSprite, wakeSprite } from "./sleep.js";
import { handleSprites } from "./sprite-routes.js";
import { type FakeSprite, SpriteStore } from "./sprite-store.js";

/** One request as the fake received it: the URL exactly as sent (to prove no secret rides in one). */
export interface RecordedRequest {
  method: string;
  url: string;
  status: number;
  websocket: boolean;
}

export interface FakeSpritesOptions {
  /** The token clients must send (default: a random one). */
  token?: string;
  /** The status for creating a name that exists: 400 (the docs) or 409. */
  existingNameStatus?: 400 | 409;
  /** How long the socket stays open after the exit frame if the client does not close it (real: ~5 s). */
  postExitHoldMs?: number;
  /** Settings of the base image every command and service sees (the tests' npm cache). */
  baseEnv?: Record<string, string>;
}

export interface FakeSprites {
  /** The API's base URL (`SPRITES_API_URL`). */
  url: string;
  token: string;
  faults: FaultPlan;
  requests: RecordedRequest[];
  sprite(name: string): FakeSprite | undefined;
  /**
   * Lets the Sprite go cold as the real one does when idle (sleep.ts): false, and nothing
   * stops, while a task holds it awake or a command runs in it.
   */
  sleep(name: string): Promise<boolean>;
  /** Wakes it (an API call on it, or a hit on its URL, does too): its services start again. */
  wake(name: string): void;
  /** Its VM restarts: every process killed at once (held or not), then the services start. */
  reboot(name: string): Promise<void>;
  /** Exec WebSockets open right now, or those whose command line contains `match` (a leak shows here). */
  openExecSockets(match?: string): number;
  close(): Promise<void>;
}

export async function startFakeSprites(options: FakeSpritesOptions = {}): Promise<FakeSprites> {
  const token = options.token ?? `fake/${randomBytes(6).toString("hex")}/${randomBytes(16).toString("hex")}`;
  const base = mkdtempSync(join(tmpdir(), "fake-sprites-"));
  const store = new SpriteStore(base, options.baseEnv ?? {});
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  const urlServers: Server[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<Socket>();
  const commandLines = new Map<WebSocket, string>();
  const ctx = { store, base, existingNameStatus: options.existingNameStatus ?? 400, urlServers, faults };

  const authorized = (req: IncomingMessage) => req.headers.authorization === `Bearer ${token}`;

  const server = createServer((req, res) => {
    const record: RecordedRequest = { method: req.method ?? "GET", url: req.url ?? "", status: 0, websocket: false };
    requests.push(record);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (res.headersSent) return void res.end();
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    res.on("finish", () => {
      record.status ||= res.statusCode;
    });
    route(req, res, reply).catch((error: unknown) => reply(500, { error: "internal", message: String(error) }));
  });

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    reply: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (!authorized(req)) return reply(401, { error: "unauthorized", message: "Invalid or missing token" });
    const fault = faults.takeHttp(req.method ?? "GET", url.pathname, decodeURIComponent(url.search));
    if (fault) {
      if (fault.afterWork) await dispatch(req, res, url, () => {});
      return reply(fault.status, fault.body ?? { error: "injected", message: "injected fault" }, fault.headers);
    }
    return dispatch(req, res, url, reply);
  }

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    reply: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== "v1" || parts[1] !== "sprites")
      return reply(404, { error: "not_found", message: "no such route" });
    const name = parts[2];
    const sprite = name ? store.get(name) : undefined;
    const section = parts[3];
    if (!name || !section) return handleSprites(ctx, name, req, url.searchParams, reply);
    if (!sprite) return reply(404, { error: "not_found", message: `sprite ${name} not found` });
    const query = url.searchParams;
    // Work on a Sprite wakes it (reading its record does not).
    wakeSprite(sprite);
    if (section === "exec" && req.method === "POST" && parts.length === 4) {
      sprite.woken = true;
      return runExecHttp(req, res, sprite, parseExecQuery(query));
    }
    if (section === "services") return handleServices(sprite, parts.slice(4), req, res, query, reply);
    if (section === "fs" && parts[4]) return handleFs(parts[4], req, res, sprite.root, query, reply);
    if (section === "checkpoint" || section === "checkpoints") return handleCheckpoints(sprite, base, req, res, reply);
    reply(404, { error: "not_found", message: `no route ${req.method} ${url.pathname}` });
  }

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const record: RecordedRequest = { method: "GET", url: req.url ?? "", status: 101, websocket: true };
    requests.push(record);
    const refuse = (status: number, message: string) => {
      record.status = status;
      socket.end(`HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n`);
    };
    const url = new URL(req.url ?? "/", "http://fake");
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (!authorized(req)) return refuse(401, "Unauthorized");
    if (parts[0] !== "v1" || parts[1] !== "sprites" || parts[3] !== "exec" || parts.length !== 4)
      return refuse(404, "Not Found");
    const sprite = store.get(parts[2] ?? "");
    if (!sprite) return refuse(404, "Not Found");
    const request = parseExecQuery(url.searchParams);
    const commandLine = request.argv.join(" ");
    const refused = faults.takeExec(commandLine, ["refuse-upgrade"]);
    if (refused) return refuse(refused.status ?? 503, "Service Unavailable");
    const fault = faults.takeExec(commandLine, ["close-without-exit", "silence", "fail"]);
    wss.handleUpgrade(req, socket, head, (ws) => {
      wakeSprite(sprite);
      sprite.woken = true;
      commandLines.set(ws, commandLine);
      ws.on("close", () => commandLines.delete(ws));
      runExecSocket(ws, sprite, request, fault, { postExitHoldMs: options.postExitHoldMs ?? 5000 });
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    faults,
    requests,
    sprite: (name) => store.get(name),
    async sleep(name) {
      const sprite = store.get(name);
      if (!sprite) throw new Error(`no sprite ${name}`);
      return sleepSprite(sprite);
    },
    wake(name) {
      const sprite = store.get(name);
      if (!sprite) throw new Error(`no sprite ${name}`);
      wakeSprite(sprite);
    },
    async reboot(name) {
      const sprite = store.get(name);
      if (!sprite) throw new Error(`no sprite ${name}`);
      await rebootSprite(sprite);
    },
    openExecSockets: (match) =>
      [...commandLines.values()].filter((line) => match === undefined || line.includes(match)).length,
    async close() {
      for (const sprite of store.all()) store.delete(sprite.name);
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        [server, ...urlServers].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections?.();
              s.close(() => resolve());
            }),
        ),
      );
      rmSync(base, { recursive: true, force: true });
    },
  };
}
