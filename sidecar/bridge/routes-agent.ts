import type { ImageContent } from "@mariozechner/pi-ai";
import type { Hono } from "hono";
import * as z from "zod/mini";
import type { BridgeContext, BridgeEnv } from "./bridge-env.js";
import { BODY_LIMIT, HttpError, jsonBody, limitBody, PROMPT_BODY_LIMIT } from "./http-json.js";
import { wireMessage } from "./pi-wire.js";

const images = z.optional(
  z
    .array(
      z.strictObject({
        data: z.string().check(z.minLength(1), z.regex(/^[A-Za-z0-9+/=\s]+$/)),
        mimeType: z.string().check(z.regex(/^image\/(png|jpeg|gif|webp)$/)),
      }),
    )
    .check(z.maxLength(8)),
);
const message = z.string().check(z.trim(), z.minLength(1), z.maxLength(200_000));
const promptSchema = z.strictObject({
  message,
  images,
  /** When the agent is busy: steer it (after the current tool calls) or follow up (when it would stop). */
  streamingBehavior: z.optional(z.enum(["steer", "followUp"])),
});
const queueSchema = z.strictObject({ message, images });

/** `POST /starter/prompt|steer|follow-up|abort`: talk to the agent. */
export function agentRoutes(app: Hono<BridgeEnv>, ctx: BridgeContext): void {
  const { host } = ctx;
  const session = () => host.agent.session();
  const needModel = () => {
    if (host.watchOnly)
      throw new HttpError(409, `no model: the sidecar only watches. ${host.watchOnly.howTo.join(" ")}`);
  };
  const pictures = (list: z.output<typeof images>): ImageContent[] | undefined =>
    list?.map((i) => ({ type: "image", data: i.data.replace(/\s/g, ""), mimeType: i.mimeType }));
  const report = (error: unknown) => host.agent.notice("error", (error as Error)?.message ?? String(error));

  app.post("/starter/prompt", limitBody(PROMPT_BODY_LIMIT), async (c) => {
    const body = await jsonBody(c, promptSchema);
    needModel();
    const s = session();
    const busy = s.isStreaming;
    if (busy && !body.streamingBehavior) {
      throw new HttpError(
        409,
        "the agent is working: send streamingBehavior steer or followUp, or use /starter/steer or /starter/follow-up",
        "streamingBehavior",
      );
    }
    // The run goes on after the answer; its events stream on /starter/events.
    void s
      .prompt(body.message, {
        images: pictures(body.images),
        source: "rpc",
        ...(busy ? { streamingBehavior: body.streamingBehavior } : {}),
      })
      .catch(report);
    return c.json({ ok: true, accepted: busy ? body.streamingBehavior : "prompt" }, 202);
  });

  const queue = (path: string, kind: "steer" | "followUp") =>
    app.post(path, limitBody(PROMPT_BODY_LIMIT), async (c) => {
      const body = await jsonBody(c, queueSchema);
      needModel();
      const s = session();
      // When idle, Pi keeps it for the start of the next run.
      await (kind === "steer"
        ? s.steer(body.message, pictures(body.images))
        : s.followUp(body.message, pictures(body.images)));
      return c.json({ ok: true, queued: kind, running: s.isStreaming }, 202);
    });
  queue("/starter/steer", "steer");
  queue("/starter/follow-up", "followUp");

  app.post("/starter/abort", limitBody(BODY_LIMIT), async (c) => {
    const s = session();
    const wasRunning = s.isStreaming;
    await s.abort();
    return c.json({ ok: true, aborted: wasRunning });
  });

  app.get("/starter/messages", (c) => {
    const limit = countParam(c.req.query("limit"), "limit", 200, 2000);
    const all = session().messages;
    return c.json({
      sessionId: session().sessionId,
      total: all.length,
      messages: all.slice(-limit).map(wireMessage),
    });
  });
}

/** A positive count from a query parameter, capped; 400 naming it when it is not one. */
export function countParam(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, `\`${name}\` must be a whole number of at least 1`, name);
  return Math.min(n, max);
}
