import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type * as z from "zod/mini";
import { describeIssues, issuePath } from "../../bus/zod-issues.js";

/** Bodies of ordinary requests; prompts may carry pictures and get more room. */
export const BODY_LIMIT = 64 * 1024;
export const PROMPT_BODY_LIMIT = 8 * 1024 * 1024;

/** A request the bridge refuses, with the status and what to say (and which field is wrong). */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The JSON error body every refusal uses: `{error, field?}`. */
export function errorBody(message: string, field?: string): { error: string; field?: string } {
  return field === undefined ? { error: message } : { error: message, field };
}

/** A body-size limit that answers 413 with the JSON error shape. */
export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.json(errorBody(`the request body is larger than ${Math.round(maxSize / 1024)} KiB: send less`), 413),
  });
}

/**
 * Parses the JSON body against `schema`: 400 naming the field when it does not fit, 400 when
 * it is not JSON, 415 when it is not sent as JSON.
 */
export async function jsonBody<T extends z.ZodMiniType>(c: Context, schema: T): Promise<z.output<T>> {
  const type = c.req.header("content-type") ?? "";
  const text = await c.req.text();
  if (text.trim() === "") return parse(schema, {});
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, "send the body as JSON (Content-Type: application/json)");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "the body is not valid JSON");
  }
  return parse(schema, body);
}

function parse<T extends z.ZodMiniType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new HttpError(400, describeIssues(parsed.error), first ? issuePath(first.path) : undefined);
  }
  return parsed.data;
}
