import type { IncomingMessage, Server } from "node:http";
import type { FaultPlan } from "./faults.js";
import { readBody } from "./fs-api.js";
import { wakeSprite } from "./sleep.js";
import { type SpriteStore, spriteJson } from "./sprite-store.js";
import { startTasksApi } from "./tasks-api.js";
import { startSpriteUrl } from "./url-proxy.js";

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

export interface SpriteRoutesContext {
  store: SpriteStore;
  existingNameStatus: 400 | 409;
  urlServers: Server[];
  faults: FaultPlan;
}

/** Lowercase letters, digits and dashes, starting with a letter (a guess at the real rule). */
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** `/v1/sprites` (create, list with prefix and pages) and `/v1/sprites/{name}` (get, delete). */
export async function handleSprites(
  ctx: SpriteRoutesContext,
  name: string | undefined,
  req: IncomingMessage,
  query: URLSearchParams,
  reply: Reply,
): Promise<void> {
  const { store } = ctx;
  if (!name && req.method === "POST") {
    let body: { name?: unknown; environment?: unknown; labels?: unknown; url_settings?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString() || "{}");
    } catch {
      return reply(400, { error: "bad_request", message: "the body must be JSON" });
    }
    const wanted = typeof body.name === "string" ? body.name : "";
    if (!NAME.test(wanted))
      return reply(400, { error: "invalid_name", message: "a name is lowercase letters, digits and dashes" });
    if (store.get(wanted))
      return reply(ctx.existingNameStatus, {
        error: "already_exists",
        message: `a sprite named ${wanted} already exists`,
      });
    const environment = isStringMap(body.environment) ? body.environment : {};
    const labels = Array.isArray(body.labels) ? body.labels.filter((l): l is string => typeof l === "string") : [];
    const sprite = store.create(wanted, environment, labels);
    if (body.url_settings && typeof body.url_settings === "object") {
      const auth = (body.url_settings as { auth?: unknown }).auth;
      if (auth === "public" || auth === "sprite") sprite.urlAuth = auth;
    }
    const { url, server } = await startSpriteUrl(
      () => sprite.services.httpPort(),
      ctx.faults,
      () => wakeSprite(sprite),
    );
    ctx.urlServers.push(server);
    sprite.url = url;
    sprite.tasksApi = await startTasksApi(sprite.root);
    sprite.apiSocket = sprite.tasksApi.socket;
    return reply(201, spriteJson(sprite));
  }
  if (!name && req.method === "GET") {
    const prefix = query.get("prefix") ?? "";
    const max = Math.min(Math.max(Number(query.get("max_results") ?? 50) || 50, 1), 50);
    const start = Number(query.get("continuation_token") ?? 0) || 0;
    const matching = store.all().filter((s) => s.name.startsWith(prefix));
    const page = matching.slice(start, start + max);
    const hasMore = start + max < matching.length;
    return reply(200, {
      sprites: page.map(spriteJson),
      has_more: hasMore,
      ...(hasMore ? { next_continuation_token: String(start + max) } : {}),
      name: "fake-org",
    });
  }
  const sprite = name ? store.get(name) : undefined;
  if (!sprite) return reply(404, { error: "not_found", message: `sprite ${name} not found` });
  if (req.method === "GET") return reply(200, spriteJson(sprite));
  if (req.method === "PUT") {
    // Update: url_settings and labels (what the SDK's updateSprite sends).
    let body: { url_settings?: { auth?: unknown }; labels?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString() || "{}");
    } catch {
      return reply(400, { error: "bad_request", message: "the body must be JSON" });
    }
    const auth = body.url_settings?.auth;
    if (auth !== undefined && auth !== "public" && auth !== "sprite")
      return reply(400, { error: "bad_request", message: "url_settings.auth is sprite or public" });
    if (auth) sprite.urlAuth = auth;
    if (Array.isArray(body.labels)) sprite.labels = body.labels.filter((l): l is string => typeof l === "string");
    sprite.updatedAt = new Date().toISOString();
    return reply(200, spriteJson(sprite));
  }
  if (req.method === "DELETE") {
    store.delete(sprite.name);
    return reply(204, "");
  }
  reply(405, { error: "method_not_allowed", message: `${req.method} is not allowed here` });
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && Object.values(value).every((v) => typeof v === "string");
}
