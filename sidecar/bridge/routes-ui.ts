import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import type { BridgeEnv } from "./bridge-env.js";
import { errorBody } from "./http-json.js";

/**
 * The browser dashboard (sidecar/web/, built into dist/web/ by scripts/build.mjs), served
 * behind the same token as the API: a browser without the session cookie is sent to the
 * login first. Three files, read once; nothing else of the disk is reachable from here.
 */

const FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

/**
 * The page may load only its own files, talk only to this bridge and frame only the proxied
 * app: even if some event text ever reached the DOM as markup, no script of it would run.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

/** Where the built page is: beside the bundle (dist/sidecar.js, dist/chunks/*.js) or, from source, dist/web. */
export function findUiDir(from: string = import.meta.url): string | undefined {
  for (const relative of ["./web/", "../web/", "../../dist/web/"]) {
    const dir = fileURLToPath(new URL(relative, from));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

/** `/starter/ui/` (and `/starter/`, and `/` when no app is proxied) → the page. */
export function uiRoutes(app: Hono<BridgeEnv>, options: { proxyApp: boolean; dir?: string | undefined }): void {
  const dir = options.dir ?? findUiDir();
  const cache = new Map<string, Buffer>();
  const read = (name: string) => {
    let body = cache.get(name);
    if (!body && dir) {
      body = readFileSync(`${dir}${name}`);
      cache.set(name, body);
    }
    return body;
  };

  const serve = (name: string) => {
    const type = FILES[name];
    const body = type ? read(name) : undefined;
    if (!type || !body) {
      return new Response(
        JSON.stringify(
          errorBody(dir ? `no file ${name} in the dashboard` : "the dashboard is not built: npm run build"),
        ),
        { status: 404, headers: { "content-type": "application/json" } },
      );
    }
    const headers: Record<string, string> = {
      "content-type": type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (name === "index.html") headers["content-security-policy"] = PAGE_CSP;
    return new Response(new Uint8Array(body), { headers });
  };

  app.get("/starter/ui/", () => serve("index.html"));
  app.get("/starter/ui/:file", (c) => serve(c.req.param("file")));
  for (const path of ["/starter", "/starter/", "/starter/ui"]) app.get(path, (c) => c.redirect("/starter/ui/", 302));
  if (!options.proxyApp) app.get("/", (c) => c.redirect("/starter/ui/", 302));
}
