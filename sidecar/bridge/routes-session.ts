import type { SessionManager } from "@mariozechner/pi-coding-agent";
import type { Hono } from "hono";
import * as z from "zod/mini";
import { clearAppPort, writeAppPort } from "../../bus/app-port.js";
import { profileFor } from "../../bus/config-schema.js";
import type { BridgeContext, BridgeEnv } from "./bridge-env.js";
import { BODY_LIMIT, HttpError, jsonBody, limitBody } from "./http-json.js";

const THINKING_LEVELS = ["off", "minimal", "low", "medium", "high", "xhigh"] as const;
const configSchema = z
  .strictObject({
    model: z.optional(z.string().check(z.regex(/^[^/\s]+\/\S+$/))),
    thinkingLevel: z.optional(z.enum(THINKING_LEVELS)),
    /** null forgets the port set before (detection or config decide again). */
    appPort: z.optional(z.nullable(z.int().check(z.gte(1), z.lte(65535)))),
  })
  .check(z.refine((b) => Object.keys(b).length > 0, { message: "send at least one of model, thinkingLevel, appPort" }));
const switchSchema = z
  .strictObject({ path: z.optional(z.string()), id: z.optional(z.string()) })
  .check(z.refine((b) => (b.path === undefined) !== (b.id === undefined), { message: "send either path or id" }));
const compactSchema = z.strictObject({ customInstructions: z.optional(z.string().check(z.maxLength(10_000))) });

/** `GET /starter/state`, `POST /starter/config`, and the sessions: list, new, switch, compact. */
export function sessionRoutes(app: Hono<BridgeEnv>, ctx: BridgeContext): void {
  const { host } = ctx;
  const session = () => host.agent.session();

  app.get("/starter/state", (c) => c.json(agentState(ctx)));

  app.post("/starter/config", limitBody(BODY_LIMIT), async (c) => {
    const body = await jsonBody(c, configSchema);
    const s = session();
    if (body.model !== undefined) {
      const slash = body.model.indexOf("/");
      const model = s.modelRegistry.find(body.model.slice(0, slash), body.model.slice(slash + 1));
      if (!model) throw new HttpError(400, `model "${body.model}" is not known to Pi (pi --list-models)`, "model");
      try {
        await s.setModel(model);
      } catch (error) {
        throw new HttpError(400, `cannot use ${body.model}: ${(error as Error).message}`, "model");
      }
    }
    if (body.thinkingLevel !== undefined) {
      const levels = s.getAvailableThinkingLevels();
      if (!levels.includes(body.thinkingLevel)) {
        throw new HttpError(400, `this model takes thinkingLevel ${levels.join(", ")}`, "thinkingLevel");
      }
      s.setThinkingLevel(body.thinkingLevel);
    }
    if (body.appPort !== undefined) {
      if (body.appPort === null) clearAppPort(ctx.loaded.paths);
      else writeAppPort(ctx.loaded.paths, { port: body.appPort, source: "api", by: "POST /starter/config" });
      ctx.app.refresh();
    }
    const state = agentState(ctx);
    ctx.hub.publish("config", { model: state.model, thinkingLevel: state.thinkingLevel, app: state.app });
    return c.json(state);
  });

  app.get("/starter/sessions", async (c) => {
    const s = session();
    const list = await listSessions(s.sessionManager);
    return c.json({
      current: s.sessionFile ?? null,
      sessions: list.map((info) => ({
        id: info.id,
        path: info.path,
        name: info.name ?? null,
        created: info.created.toISOString(),
        modified: info.modified.toISOString(),
        messageCount: info.messageCount,
        firstMessage: info.firstMessage.slice(0, 200),
        current: info.path === s.sessionFile,
      })),
    });
  });

  const idle = () => {
    if (session().isStreaming || session().isCompacting) {
      throw new HttpError(409, "the agent is working: abort it first (POST /starter/abort) or wait for agent_end");
    }
  };

  app.post("/starter/sessions/new", limitBody(BODY_LIMIT), async (c) => {
    idle();
    const result = await host.agent.runtime.newSession();
    if (result.cancelled) throw new HttpError(409, "an extension cancelled the new session");
    ctx.hub.publish("session", { reason: "new", ...sessionFacts(ctx) });
    return c.json({ ok: true, ...sessionFacts(ctx) });
  });

  app.post("/starter/sessions/switch", limitBody(BODY_LIMIT), async (c) => {
    const body = await jsonBody(c, switchSchema);
    idle();
    // Only a session of this sidecar: a path from the request never reaches the filesystem
    // unless it is one of those listed.
    const target = (await listSessions(session().sessionManager)).find((i) =>
      body.id !== undefined ? i.id === body.id : i.path === body.path,
    );
    if (!target) {
      throw new HttpError(
        404,
        "no such session of this sidecar (GET /starter/sessions lists them)",
        body.id ? "id" : "path",
      );
    }
    const result = await host.agent.runtime.switchSession(target.path);
    if (result.cancelled) throw new HttpError(409, "an extension cancelled the switch");
    ctx.hub.publish("session", { reason: "switch", ...sessionFacts(ctx) });
    return c.json({ ok: true, ...sessionFacts(ctx) });
  });

  app.post("/starter/sessions/compact", limitBody(BODY_LIMIT), async (c) => {
    const body = await jsonBody(c, compactSchema);
    idle();
    const result = await session().compact(body.customInstructions);
    return c.json({ ok: true, tokensBefore: result.tokensBefore, summary: result.summary, ...sessionFacts(ctx) });
  });
}

/** The agent's state: what `GET /starter/state` answers, and what follows a change. */
export function agentState(ctx: BridgeContext) {
  const { host, hub, loaded } = ctx;
  const s = host.agent.session();
  const facts = ctx.feeds.facts();
  const app = ctx.app.current();
  return {
    eventId: hub.ring.lastId(),
    boot: hub.ring.bootTag,
    versions: ctx.versions,
    root: loaded.root,
    environment: loaded.config.environment,
    behavior: profileFor(loaded.config).behavior,
    model: host.watchOnly ? null : s.model ? `${s.model.provider}/${s.model.id}` : null,
    thinkingLevel: s.thinkingLevel,
    thinkingLevels: s.getAvailableThinkingLevels(),
    status: s.isStreaming ? "working" : s.isCompacting ? "compacting" : "idle",
    watchOnly: host.watchOnly ?? null,
    queue: { steering: [...s.getSteeringMessages()], followUp: [...s.getFollowUpMessages()] },
    ...sessionFacts(ctx),
    app: app ? { ...app, proxied: ctx.proxyApp } : null,
    spark: {
      status: host.status() ?? null,
      held: facts?.hold.held ?? false,
      hold: facts?.hold ?? null,
      pausedBy: facts?.pausedBy ?? null,
    },
  };
}

function sessionFacts(ctx: BridgeContext) {
  const s = ctx.host.agent.session();
  return { session: { id: s.sessionId, file: s.sessionFile ?? null, name: s.sessionName ?? null } };
}

/**
 * The sessions in the sidecar's folder. Through the class of the manager the host made (the
 * SDK the host loaded): the bridge imports Pi for its types only.
 */
function listSessions(manager: SessionManager) {
  const Manager = manager.constructor as typeof SessionManager;
  return Manager.list(manager.getCwd(), manager.getSessionDir());
}
