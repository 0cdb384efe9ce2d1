import * as z from "zod/mini";

/**
 * The `--json` documents of the commands, as stable schemas. Tests check the CLI's output
 * against them; tools that read the output may rely on them.
 */
const pauseJson = z.union([
  z.object({ state: z.literal("none") }),
  z.object({
    state: z.literal("paused"),
    by: z.string(),
    reason: z.string(),
    since: z.string(),
    ageMs: z.number(),
    stale: z.boolean(),
  }),
  z.object({ state: z.literal("unreadable"), problem: z.string() }),
]);

const agentJson = z.object({
  id: z.string(),
  role: z.enum(["human", "sidecar"]),
  status: z.enum(["idle", "working"]),
  pid: z.number(),
  host: z.string(),
  alive: z.boolean(),
  lastActivity: z.string(),
  heartbeatAt: z.string(),
});

export const statusSchema = z.object({
  ok: z.literal(true),
  root: z.string(),
  enabled: z.boolean(),
  environment: z.string(),
  behavior: z.string(),
  tools: z.string(),
  pause: pauseJson,
  held: z.boolean(),
  holdReason: z.nullable(z.string()),
  events: z.object({
    pending: z.number(),
    claimed: z.number(),
    delivered: z.number(),
    rejected: z.number(),
    expired: z.number(),
  }),
  agents: z.array(agentJson),
  sidecar: z.object({ alive: z.boolean(), id: z.nullable(z.string()), pid: z.nullable(z.number()) }),
});

export const pauseResultSchema = z.object({
  ok: z.literal(true),
  paused: z.literal(true),
  pause: z.object({ by: z.string(), since: z.string(), reason: z.string() }),
});

export const resumeResultSchema = z.object({
  ok: z.literal(true),
  resumed: z.boolean(),
  wasPaused: z.boolean(),
});

export const emitResultSchema = z.object({
  ok: z.literal(true),
  id: z.string(),
  type: z.string(),
  file: z.string(),
});

export const errorSchema = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.string(), message: z.string(), next: z.nullable(z.string()) }),
});

export type StatusJson = z.output<typeof statusSchema>;
