import * as z from "zod/mini";
import { approvalsStatusJson } from "./schemas-approvals.js";

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
    /** Set when the pause lasts as long as a git rebase (inProgress: its state still exists). */
    waitsFor: z.optional(z.object({ kind: z.literal("git-rebase"), inProgress: z.boolean() })),
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
  /** The machine of an agent seen through the hub (read-only here); null for this machine's. */
  machine: z.nullable(z.string()),
});

export const statusSchema = z.object({
  ok: z.literal(true),
  root: z.string(),
  /** What made `root` the project: SPARK_ROOT, config/spark.ts, .spark/, package.json or .git. */
  rootFoundBy: z.string(),
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
    /** Occurrences of pending problems that writers counted instead of writing (summary events' `repeats`). */
    repeats: z.number(),
  }),
  agents: z.array(agentJson),
  sidecar: z.object({ alive: z.boolean(), id: z.nullable(z.string()), pid: z.nullable(z.number()) }),
  approvals: approvalsStatusJson,
  /** What status cleaned before it looked: dead claims put back, dead presence files, an ended rebase pause. */
  cleaned: z.object({ released: z.number(), removedAgents: z.number(), endedRebasePause: z.boolean() }),
  /** This machine's `manifest relay` (null when none has run here). */
  relay: z.nullable(
    z.object({
      alive: z.boolean(),
      machine: z.string(),
      project: z.string(),
      hub: z.string(),
      connected: z.boolean(),
      since: z.string(),
      problem: z.nullable(z.string()),
      inbound: z.boolean(),
    }),
  ),
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

const runJson = z.object({
  startedAt: z.string(),
  durationMs: z.number(),
  outcome: z.enum(["ok", "failed", "killed", "interrupted", "not-started"]),
  /** The child's own exit code (null when a signal ended it or it never started). */
  exitCode: z.nullable(z.number()),
  signal: z.nullable(z.string()),
  logFile: z.nullable(z.string()),
  event: z.nullable(z.object({ id: z.string(), fingerprint: z.string() })),
});

export const runResultSchema = z.object({
  ok: z.boolean(),
  command: z.string(),
  resolved: z.object({
    kind: z.enum(["program", "script"]),
    file: z.string(),
    args: z.array(z.string()),
    script: z.nullable(z.string()),
    packageManager: z.nullable(z.string()),
  }),
  every: z.nullable(z.string()),
  everyMs: z.nullable(z.number()),
  events: z.object({ enabled: z.boolean(), reason: z.nullable(z.string()) }),
  /** The runner's exit code: the child's, 128+N after signal N, 127 when it cannot start. */
  exitCode: z.number(),
  stoppedBy: z.nullable(z.string()),
  runs: z.array(runJson),
});

export type RunJson = z.output<typeof runJson>;
export type RunResultJson = z.output<typeof runResultSchema>;

const eventStateJson = z.enum(["pending", "claimed", "delivered", "rejected", "expired"]);
/** An event as written on the bus (the full body; only the fields every event has are checked here). */
const eventBodyJson = z.looseObject({ id: z.string(), type: z.string(), timestamp: z.string() });

/** One NDJSON line of `manifest spark tail --json`. */
export const tailRecordSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event"), state: eventStateJson, event: eventBodyJson }),
  z.object({
    kind: z.literal("moved"),
    id: z.string(),
    name: z.string(),
    type: z.nullable(z.string()),
    from: eventStateJson,
    to: eventStateJson,
    consumer: z.nullable(z.string()),
  }),
  z.object({
    kind: z.literal("rejected"),
    id: z.string(),
    name: z.string(),
    type: z.nullable(z.string()),
    reason: z.string(),
    from: z.nullable(eventStateJson),
  }),
  z.object({ kind: z.literal("invalid"), id: z.string(), name: z.string(), state: eventStateJson, reason: z.string() }),
]);

const eventRowJson = z.object({
  id: z.string(),
  state: eventStateJson,
  type: z.nullable(z.string()),
  timestamp: z.nullable(z.string()),
  feature: z.nullable(z.string()),
  route: z.nullable(z.string()),
  status: z.nullable(z.number()),
  command: z.nullable(z.string()),
  exitCode: z.nullable(z.number()),
  message: z.nullable(z.string()),
  fingerprint: z.nullable(z.string()),
  file: z.string(),
  valid: z.boolean(),
  problem: z.nullable(z.string()),
  reason: z.nullable(z.string()),
  consumer: z.nullable(z.string()),
});

/** `manifest spark events [list] --json`: newest first; `total` counts all matches, beyond `--limit`. */
export const eventsListSchema = z.object({
  ok: z.literal(true),
  states: z.array(eventStateJson),
  total: z.number(),
  events: z.array(eventRowJson),
});

/** `manifest spark events show <id> --json`: `event` when the file reads as one, else `problem` and `raw`. */
export const eventShowSchema = z.object({
  ok: z.literal(true),
  id: z.string(),
  state: eventStateJson,
  file: z.string(),
  consumer: z.nullable(z.string()),
  reason: z.nullable(z.string()),
  valid: z.boolean(),
  problem: z.nullable(z.string()),
  event: z.nullable(eventBodyJson),
  raw: z.nullable(z.string()),
});

/** `manifest spark events requeue --json`: `ok` is false when any file was refused (exit 1). */
export const requeueResultSchema = z.object({
  ok: z.boolean(),
  requeued: z.array(z.object({ id: z.string(), name: z.string(), from: eventStateJson })),
  refused: z.array(z.object({ id: z.string(), name: z.string(), state: eventStateJson, reason: z.string() })),
});

/** `manifest spark events purge --json`. */
export const purgeResultSchema = z.object({
  ok: z.literal(true),
  deleted: z.array(z.object({ id: z.string(), name: z.string(), state: eventStateJson })),
  count: z.number(),
});

export type TailRecordJson = z.output<typeof tailRecordSchema>;
export type EventRowJson = z.output<typeof eventRowJson>;
