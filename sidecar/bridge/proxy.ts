import { Agent, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createProxyServer } from "http-proxy-3";
import { answeringLoopback } from "../../pi-extensions/starter/probe.js";
import { bearerToken, SESSION_COOKIE, secretsEqual, withoutCookie } from "./auth.js";

/**
 * The reverse proxy in front of the app (`--proxy-app`): everything outside `/starter/` goes
 * to the app's port, WebSocket upgrades included (dev servers' hot reload), and a placeholder
 * page answers while nothing listens there. The bridge's own credentials never reach the app.
 */
export interface AppProxy {
  web(req: IncomingMessage, res: ServerResponse, port: number | undefined): void;
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, port: number | undefined): void;
  close(): void;
}

export function createAppProxy(token: string, onError: (error: unknown) => void): AppProxy {
  // Connections to the app are kept and reused: a proxy that opens one per request costs a
  // handshake each time and runs out of ports under load.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = createProxyServer({ ws: true, xfwd: true, agent, proxyTimeout: 120_000 });
  // Dev servers that bind "localhost" may listen on ::1 only: which loopback answers is
  // looked up again whenever a connection is refused, and used from then on.
  const hosts = new Map<number, string>();
  const target = (port: number) => ({ host: hosts.get(port) ?? "127.0.0.1", port });
  const relookup = (port: number) =>
    void answeringLoopback(port).then((host) => (host ? hosts.set(port, host) : hosts.delete(port)));
  proxy.on("error", (error, req, res) => {
    const code = (error as NodeJS.ErrnoException).code;
    const port = (req as IncomingMessage & { sparkPort?: number }).sparkPort;
    if (code === "ECONNREFUSED" && port !== undefined) relookup(port);
    if (isResponse(res)) {
      if (!res.headersSent) return placeholder(res, code === "ECONNREFUSED" ? "down" : "error");
      res.destroy();
      return;
    }
    res.destroy();
    if (code !== "ECONNREFUSED" && code !== "ECONNRESET") onError(error);
  });

  const strip = (req: IncomingMessage) => {
    const cookie = withoutCookie(req.headers.cookie, SESSION_COOKIE);
    if (cookie === undefined) delete req.headers.cookie;
    else req.headers.cookie = cookie;
    const bearer = bearerToken(req.headers.authorization);
    if (bearer !== undefined && secretsEqual(bearer, token)) delete req.headers.authorization;
  };

  return {
    web(req, res, port) {
      if (port === undefined) return placeholder(res, "unknown");
      strip(req);
      (req as IncomingMessage & { sparkPort?: number }).sparkPort = port;
      proxy.web(req, res, { target: target(port) });
    },
    ws(req, socket, head, port) {
      if (port === undefined) {
        socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n");
        return;
      }
      strip(req);
      (req as IncomingMessage & { sparkPort?: number }).sparkPort = port;
      proxy.ws(req, socket, head, { target: target(port) });
    },
    close() {
      agent.destroy();
      proxy.close();
    },
  };
}

function isResponse(value: unknown): value is ServerResponse {
  return typeof (value as ServerResponse | undefined)?.writeHead === "function";
}

/** What people see instead of the app while it is not there (the page reloads itself). */
function placeholder(res: ServerResponse, why: "unknown" | "down" | "error"): void {
  const text =
    why === "unknown"
      ? 'Spark does not know the app\'s port yet. Start its dev server (the agent can), or set it: POST /starter/config {"appPort": 3000}.'
      : why === "down"
        ? "The app is not running right now. This page reloads when it is back."
        : "The app did not answer properly. This page reloads in a moment.";
  res.writeHead(503, { "content-type": "text/html; charset=utf-8", "retry-after": "2", "cache-control": "no-store" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>Spark: waiting for the app</title>
<style>body{font:16px system-ui,sans-serif;max-width:34rem;margin:20vh auto;padding:0 1rem;color:#333}</style></head>
<body><h1>⚡ Waiting for the app</h1><p id="spark-placeholder">${text}</p></body></html>`);
}
