import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import type { SidecarHost } from "../host.js";
import type { InspectDb } from "../inspect/db.js";
import { startAppTarget } from "./app-target.js";
import { createAttemptLimiter, DEFAULT_ATTEMPT_POLICY } from "./attempts.js";
import type { BridgeContext, BridgeEnv } from "./bridge-env.js";
import { BridgeListenError } from "./errors.js";
import { startBridgeFeeds } from "./feeds.js";
import { createGate, type Gate } from "./gate.js";
import { errorBody, HttpError } from "./http-json.js";
import { createAppProxy } from "./proxy.js";
import { agentRoutes } from "./routes-agent.js";
import { authRoutes, requireAuth } from "./routes-auth.js";
import { sessionRoutes } from "./routes-session.js";
import { sparkRoutes } from "./routes-spark.js";
import { uiRoutes } from "./routes-ui.js";
import { createSseHub, type SseHub } from "./sse-hub.js";
import { newBootTag } from "./sse-ring.js";

export interface BridgeOptions {
  host: SidecarHost;
  token: string;
  /** Proxy everything outside /starter/ to the app. */
  proxyApp: boolean;
  versions: BridgeContext["versions"];
  /** The config's `web.appPort`. */
  appPort?: number | undefined;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  ringCapacity?: number;
  /** Problems the bridge meets while running (shown as notices by the caller). */
  onError?: (error: unknown) => void;
}

/** A running bridge. */
export interface Bridge {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly hub: SseHub;
  close(): Promise<void>;
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The bridge's listening socket, open before the sidecar starts (a port in use fails fast). */
export interface BridgePort {
  readonly url: string;
  readonly port: number;
  /** Hands requests to the bridge; until then they get a 503 that says it is starting. */
  serve(request: RequestHandler, upgrade: UpgradeHandler): void;
  close(): Promise<void>;
}

/** Listens on `hostname:port` (0: any free port). */
export async function openBridgePort(port: number, hostname: string): Promise<BridgePort> {
  let onRequest: RequestHandler | undefined;
  let onUpgrade: UpgradeHandler | undefined;
  const server = createServer((req, res) => {
    if (onRequest) return onRequest(req, res);
    res
      .writeHead(503, { "content-type": "application/json", "retry-after": "1" })
      .end(JSON.stringify(errorBody("the sidecar is starting: try again in a moment")));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (onUpgrade) onUpgrade(req, socket, head);
    else socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n");
  });
  await listen(server, port, hostname);
  const bound = (server.address() as AddressInfo).port;
  const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${shown}:${bound}`,
    port: bound,
    serve(request, upgrade) {
      onRequest = request;
      onUpgrade = upgrade;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Starts the bridge on a running sidecar host: the `/starter/*` API (every route behind the
 * token), the event stream, and with `proxyApp` the reverse proxy to the app.
 */
export function startBridge(listening: BridgePort, options: BridgeOptions): Bridge {
  const { host } = options;
  const onError = options.onError ?? (() => {});
  const { paths, config } = host.loaded;
  const hub = createSseHub({
    bootTag: newBootTag(),
    capacity: options.ringCapacity ?? 1000,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    hello: () => ({ boot: hub.ring.bootTag, lastEventId: hub.ring.lastId(), versions: options.versions }),
  });
  const feeds = startBridgeFeeds(host, hub, paths, config, onError);
  const app = startAppTarget(paths, options.appPort, (port) => hub.publish("app", { app: port ?? null }), onError);
  let inspectDb: Promise<InspectDb> | undefined;
  const ctx: BridgeContext = {
    host,
    loaded: host.loaded,
    hub,
    feeds,
    app,
    proxyApp: options.proxyApp,
    versions: options.versions,
    async inspect() {
      try {
        inspectDb ??= import("../inspect/db.js").then((m) => m.openInspectDb(paths));
        return await inspectDb;
      } catch (error) {
        // Not installed (an optional tool) or not loadable here: the route says so; a later
        // call tries again (after an install, say).
        inspectDb = undefined;
        onError(error);
        return undefined;
      }
    },
  };
  const gate = createGate(options.token, createAttemptLimiter(DEFAULT_ATTEMPT_POLICY));
  const api = bridgeApi(ctx, gate, onError);
  const proxy = createAppProxy(options.token, onError);
  const listener = getRequestListener(api.fetch, { overrideGlobalObjects: false });

  const proxied = async (req: IncomingMessage, res: ServerResponse) => {
    const result = await gate.check({ method: req.method ?? "GET", headers: req.headers, address: addressOf(req) });
    if (result.ok) return proxy.web(req, res, app.current()?.port);
    // A person opening the app in a browser logs in first, then comes back here.
    if (result.status === 401 && req.method === "GET" && /text\/html/.test(req.headers.accept ?? "")) {
      res.writeHead(302, { location: `/starter/login?next=${encodeURIComponent(req.url ?? "/")}` }).end();
      return;
    }
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (result.retryAfterS !== undefined) headers["retry-after"] = String(result.retryAfterS);
    res.writeHead(result.status, headers).end(JSON.stringify(errorBody(result.message)));
  };
  listening.serve(
    (req, res) => {
      if (options.proxyApp && !isBridgePath(req.url)) void proxied(req, res);
      else void listener(req, res);
    },
    (req, socket, head) => {
      if (!options.proxyApp || isBridgePath(req.url)) {
        socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n");
        return;
      }
      void gate.check({ method: "GET", headers: req.headers, address: addressOf(req) }).then((result) => {
        if (!result.ok) socket.end(`HTTP/1.1 ${result.status} Refused\r\nconnection: close\r\n\r\n`);
        else proxy.ws(req, socket, head, app.current()?.port);
      });
    },
  );

  return {
    url: listening.url,
    port: listening.port,
    hub,
    async close() {
      hub.close();
      proxy.close();
      await listening.close();
      await Promise.all([feeds.close(), app.close()]);
      if (inspectDb) (await inspectDb.catch(() => undefined))?.close();
    },
  };
}

/** The Hono app of the `/starter/*` API. */
function bridgeApi(ctx: BridgeContext, gate: Gate, onError: (error: unknown) => void): Hono<BridgeEnv> {
  const api = new Hono<BridgeEnv>();
  api.onError((error, c) => {
    if (error instanceof HttpError) return c.json(errorBody(error.message, error.field), error.status);
    onError(error);
    // Nothing of the error reaches the client: it may hold paths or secrets.
    return c.json(errorBody("internal error: the sidecar's output says more"), 500);
  });
  api.notFound((c) => c.json(errorBody(`no route ${c.req.method} ${c.req.path} (the API is under /starter/)`), 404));
  api.use("*", requireAuth(gate));
  authRoutes(api, gate);
  api.get("/starter/events", (c) => {
    const last = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    if (!ctx.hub.attach(c.env.outgoing, last)) return c.json(errorBody("too many event streams open"), 503);
    return RESPONSE_ALREADY_SENT;
  });
  agentRoutes(api, ctx);
  sessionRoutes(api, ctx);
  sparkRoutes(api, ctx);
  uiRoutes(api, { proxyApp: ctx.proxyApp });
  return api;
}

function isBridgePath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?")[0] ?? "/";
  return path === "/starter" || path.startsWith("/starter/");
}

function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

function listen(server: ReturnType<typeof createServer>, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new BridgeListenError(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${hostname} is in use: stop what listens there, or pick another with --port.`
            : `cannot listen on ${hostname}:${port} (${error.code ?? error.message}).`,
        ),
      );
    });
    server.listen(port, hostname, () => resolve());
  });
}
