import * as z from "zod/mini";
import { EVENT_TYPE_PATTERN } from "./event-name.js";

/** Join/leave notices of Pi sessions: news for the sidecar's conversation, not work. */
export const AGENT_NOTICE_TYPES: ReadonlySet<string> = new Set(["agent-start", "agent-stop"]);

/** Whether an event type is a join/leave notice. */
export function isAgentNotice(type: string | undefined): boolean {
  return type !== undefined && AGENT_NOTICE_TYPES.has(type);
}

/**
 * A notification meant for the people watching (the bridge's `notify_dashboard` writes them):
 * shown by dashboards, acked by the sidecar without a message, never work for an agent.
 */
export function isPeopleNotice(event: { type: string; audience?: unknown }): boolean {
  return event.type === "notification" && event.audience === "people";
}

/** Event types that carry an `error` and are worth a Pi agent's attention. */
export const ERROR_EVENT_TYPES: ReadonlySet<string> = new Set(["server-error", "unhandled-error", "process-error"]);

const errorSchema = z.looseObject({
  message: z.string(),
  stack: z.optional(z.string()),
  name: z.optional(z.string()),
  code: z.optional(z.union([z.string(), z.number()])),
});

const sourceSchema = z.looseObject({
  host: z.string(),
  pid: z.number(),
  app: z.optional(z.string()),
});

/** The body of an event file, as readers accept it (see bus-protocol.md, "Event files"). */
export const eventSchema = z
  .looseObject({
    v: z.optional(z.literal(1)),
    id: z.string().check(z.minLength(1)),
    type: z.string().check(z.regex(EVENT_TYPE_PATTERN)),
    traceId: z.optional(z.string()),
    timestamp: z.iso.datetime({ offset: true }),
    environment: z.optional(z.string()),
    source: z.optional(sourceSchema),
    feature: z.optional(z.string()),
    route: z.optional(z.string()),
    status: z.optional(z.number()),
    error: z.optional(errorSchema),
    request: z.optional(z.looseObject({ input: z.optional(z.unknown()) })),
    command: z.optional(z.string()),
    exitCode: z.optional(z.nullable(z.number())),
    signal: z.optional(z.nullable(z.string())),
    logFile: z.optional(z.string()),
    tail: z.optional(z.string()),
    fingerprint: z.optional(z.string()),
    /** The `manifest run` run an event came from (a crash inside it) or reports (its process-error). */
    runId: z.optional(z.string()),
  })
  .check(
    z.refine((event) => !ERROR_EVENT_TYPES.has(event.type) || event.error !== undefined, {
      message: "error events need an `error` object with a `message`",
      path: ["error"],
    }),
  );

/** A validated event. Unknown extra fields are kept. */
export type SparkEvent = z.output<typeof eventSchema>;
/** The `error` part of an event. */
export type EventError = z.output<typeof errorSchema>;
