import type { Hono } from "hono";
import * as z from "zod/mini";
import { describeHold } from "../../bus/effective-pause.js";
import { clearPause, type PauseState, writePause } from "../../bus/pause.js";
import { busSnapshot } from "../../bus/snapshot.js";
import { approvalQueue } from "./approvals.js";
import type { BridgeContext, BridgeEnv } from "./bridge-env.js";
import { BODY_LIMIT, errorBody, HttpError, jsonBody, limitBody } from "./http-json.js";
import { countParam } from "./routes-agent.js";
import { eventListing, findEvent, listEvents, statesParam } from "./spark-events.js";

const pauseSchema = z.strictObject({
  reason: z.optional(z.string().check(z.maxLength(500))),
  by: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});
const answerSchema = z.strictObject({
  by: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  reason: z.optional(z.string().check(z.maxLength(500))),
});

/** Spark's own routes: its state, pause and resume, the events, the approve queue; and the inspect DB. */
export function sparkRoutes(app: Hono<BridgeEnv>, ctx: BridgeContext): void {
  const { paths, config } = ctx.loaded;
  const approvals = approvalQueue(paths, config.presence.ttlMs);

  app.get("/starter/spark", (c) => {
    const snap = busSnapshot(paths, config);
    const facts = ctx.feeds.facts();
    return c.json({
      eventId: ctx.hub.ring.lastId(),
      enabled: snap.enabled,
      environment: snap.environment,
      behavior: snap.behavior,
      tools: snap.tools,
      status: ctx.host.status() ?? null,
      watchOnly: ctx.host.watchOnly ?? null,
      pause: pauseJson(snap.pause),
      // The sidecar's own hold (watch-only included), as its dashboard shows it.
      held: facts?.hold.held ?? snap.hold.held,
      hold: facts?.hold ?? snap.hold,
      holdReason: (facts?.hold ?? snap.hold).held ? describeHold(facts?.hold ?? snap.hold) : null,
      pausedBy: facts?.pausedBy ?? null,
      counts: snap.counts,
      agents: snap.agents,
      runs: facts?.runs ?? [],
      approvals: facts?.approvals.length ?? approvals.list().filter((v) => v.state === "pending").length,
    });
  });

  app.post("/starter/spark/pause", limitBody(BODY_LIMIT), async (c) => {
    const body = await jsonBody(c, pauseSchema);
    const pause = writePause(paths, { by: body.by ?? "bridge", reason: body.reason ?? "paused through the bridge" });
    ctx.feeds.refresh();
    return c.json({ ok: true, paused: true, pause });
  });

  app.post("/starter/spark/resume", limitBody(BODY_LIMIT), (c) => {
    const resumed = clearPause(paths);
    ctx.feeds.refresh();
    return c.json({ ok: true, resumed });
  });

  app.get("/starter/spark/events", (c) => {
    const states = statesParam(c.req.query("state"));
    const limit = countParam(c.req.query("limit"), "limit", 50, 500);
    const full = c.req.query("full") === "1";
    return c.json({ eventId: ctx.hub.ring.lastId(), states, ...listEvents(paths, states, limit, full) });
  });

  app.get("/starter/spark/events/:id", (c) => {
    const entry = findEvent(paths, c.req.param("id"));
    const row = entry && eventListing(paths, entry, true);
    if (!row) return c.json(errorBody("no such event on the bus", "id"), 404);
    return c.json(row);
  });

  app.get("/starter/spark/approvals", (c) => {
    return c.json({ approvals: approvals.list() });
  });

  for (const answer of ["approve", "deny"] as const) {
    app.post(`/starter/spark/approvals/:id/${answer}`, limitBody(BODY_LIMIT), async (c) => {
      const body = await jsonBody(c, answerSchema);
      const result = approvals.answer(c.req.param("id"), answer, body.by ?? "bridge", body.reason ?? "");
      if (!result.ok) return c.json(errorBody(result.message, "id"), result.status);
      ctx.feeds.refresh();
      return c.json({ ok: true, answer: result.answer, request: result.request });
    });
  }

  app.get("/starter/inspect", async (c) => {
    const db = await ctx.inspect();
    if (!db) {
      throw new HttpError(503, "the inspect database needs better-sqlite3: npm install -D better-sqlite3@12.11.1");
    }
    return c.json(db.list());
  });
}

function pauseJson(pause: PauseState) {
  if (pause.kind === "none") return { state: "none" };
  if (pause.kind === "unreadable") return { state: "unreadable", problem: pause.problem };
  return { state: "paused", ...pause.pause, ageMs: pause.ageMs, stale: pause.stale };
}
