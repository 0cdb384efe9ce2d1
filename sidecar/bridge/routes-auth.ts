import type { IncomingHttpHeaders } from "node:http";
import type { Hono, MiddlewareHandler } from "hono";
import { sessionCookieValue, sessionSetCookie } from "./auth.js";
import type { BridgeEnv } from "./bridge-env.js";
import type { Gate } from "./gate.js";
import { BODY_LIMIT, errorBody, limitBody } from "./http-json.js";

/** Paths open without a token: the login itself. */
export const OPEN_PATHS = new Set(["/starter/login", "/starter/logout"]);

/** The remote address of a request (the socket's: a forwarded header is not trusted). */
export function remoteAddress(c: { env: BridgeEnv["Bindings"] }): string {
  return c.env.incoming.socket.remoteAddress ?? "unknown";
}

/** Whether the request came over https (directly, or through a proxy that says so). */
export function overHttps(headers: IncomingHttpHeaders, encrypted: boolean): boolean {
  return encrypted || headers["x-forwarded-proto"] === "https";
}

/** Every route but the login needs the token (bearer) or the session cookie. */
export function requireAuth(gate: Gate): MiddlewareHandler<BridgeEnv> {
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path)) return next();
    const result = await gate.check({
      method: c.req.method,
      headers: c.env.incoming.headers,
      address: remoteAddress(c),
    });
    if (!result.ok) {
      // A person opening a page (the dashboard) logs in first, then comes back to it.
      if (result.status === 401 && c.req.method === "GET" && /text\/html/.test(c.req.header("accept") ?? "")) {
        return c.redirect(`/starter/login?next=${encodeURIComponent(c.req.path)}`, 302);
      }
      if (result.retryAfterS !== undefined) c.header("retry-after", String(result.retryAfterS));
      if (result.status === 401) c.header("www-authenticate", 'Bearer realm="spark"');
      return c.json(errorBody(result.message), result.status);
    }
    c.set("authVia", result.via);
    return next();
  };
}

/** `GET /starter/login` (a form), `POST /starter/login` (JSON or form), `POST /starter/logout`. */
export function authRoutes(app: Hono<BridgeEnv>, gate: Gate): void {
  app.get("/starter/login", (c) => c.html(loginPage(safeNext(c.req.query("next")), false)));

  app.post("/starter/login", limitBody(BODY_LIMIT), async (c) => {
    const form = !/^application\/json\b/i.test(c.req.header("content-type") ?? "");
    let token = "";
    let next = "/starter/";
    if (form) {
      const body = await c.req.parseBody();
      token = typeof body.token === "string" ? body.token : "";
      next = safeNext(typeof body.next === "string" ? body.next : undefined);
    } else {
      const body = (await c.req.json().catch(() => ({}))) as { token?: unknown };
      token = typeof body.token === "string" ? body.token : "";
    }
    if (token === "") {
      return form
        ? c.html(loginPage(next, true), 400)
        : c.json(errorBody('send the token: {"token": "…"}', "token"), 400);
    }
    const result = await gate.login(token.trim(), remoteAddress(c));
    if (!result.ok) {
      if (result.retryAfterS !== undefined) c.header("retry-after", String(result.retryAfterS));
      return form ? c.html(loginPage(next, true), result.status) : c.json(errorBody(result.message), result.status);
    }
    const secure = overHttps(c.env.incoming.headers, "encrypted" in c.env.incoming.socket);
    c.header("set-cookie", sessionSetCookie(sessionCookieValue(gate.token, Math.floor(Date.now() / 1000)), { secure }));
    return form ? c.redirect(next, 303) : c.json({ ok: true });
  });

  app.post("/starter/logout", (c) => {
    const secure = overHttps(c.env.incoming.headers, "encrypted" in c.env.incoming.socket);
    c.header("set-cookie", sessionSetCookie("", { secure, clear: true }));
    return c.json({ ok: true });
  });
}

/** A local path to go back to after login; anything else (another site, `//host`) becomes the default. */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || /[\\\r\n]/.test(next)) return "/starter/";
  return next;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

function loginPage(next: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Spark: log in</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:15vh auto;padding:0 1rem}input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0}p.err{color:#b00}</style>
</head><body>
<h1>⚡ Spark</h1>
<p>Paste the bridge's token (<code>SPARK_WEB_TOKEN</code>, or <code>.spark/web-token</code> on the machine that runs it).</p>
${failed ? '<p class="err">That token is not right.</p>' : ""}
<form method="post" action="/starter/login">
<input type="password" name="token" autocomplete="current-password" autofocus required aria-label="token">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Log in</button>
</form>
</body></html>`;
}
