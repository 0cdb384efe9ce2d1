import * as z from "zod/mini";

/**
 * `tools: "approve"` in the `--json` documents: a request as `spark status` lists it, and the
 * result of `spark approve` / `spark deny`.
 */
const answerJson = z.object({
  id: z.string(),
  answer: z.enum(["approve", "deny"]),
  by: z.string(),
  at: z.string(),
  reason: z.string(),
});

const requestJson = z.object({
  id: z.string(),
  tool: z.string(),
  /** One line: the command or the file (redacted). */
  summary: z.string(),
  /** The call's arguments, redacted. */
  args: z.unknown(),
  requestedAt: z.string(),
  expiresAt: z.string(),
  agent: z.object({ id: z.string(), role: z.string(), pid: z.number(), host: z.string() }),
  /** What led to the call: the events of the Spark message the agent works on, or a person's prompt. */
  cause: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("events"),
      events: z.array(z.object({ id: z.string(), type: z.string(), line: z.string() })),
      more: z.number(),
    }),
    z.object({ kind: z.literal("prompt") }),
  ]),
});

export const approvalJson = z.object({
  ...requestJson.shape,
  state: z.enum(["pending", "approved", "denied", "timed-out", "abandoned"]),
  remainingMs: z.number(),
  answer: z.nullable(answerJson),
});

/** `spark status --json` → `approvals`: waiting requests (oldest first), then the latest settled ones (newest first). */
export const approvalsStatusJson = z.object({
  pending: z.array(approvalJson),
  recent: z.array(approvalJson),
});

/** `manifest spark approve|deny --json`. */
export const answerResultSchema = z.object({
  ok: z.literal(true),
  id: z.string(),
  answer: answerJson,
  request: requestJson,
});

export type ApprovalJson = z.output<typeof approvalJson>;
export type ApprovalsStatusJson = z.output<typeof approvalsStatusJson>;
