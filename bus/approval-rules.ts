import * as z from "zod/mini";
import { shortAge } from "./format/ago.js";

/**
 * The rules of `tools: "approve"` as plain data and functions: what a request and an answer
 * hold, which state a request is in, which one a person means. The files live in
 * `bus/approvals.ts`; nothing here touches the disk or a clock.
 */

/** An approval id: short enough to type (`manifest spark approve 3f9a0c1b`). */
export const APPROVAL_ID_PATTERN = /^[0-9a-f]{8}$/;

/** Who answers when nobody did in time, and when the waiting agent stopped first. */
export const TIMEOUT_BY = "spark:timeout";
export const STOPPED_BY = "spark:stopped";

const eventRefSchema = z.object({ id: z.string(), type: z.string(), line: z.string() });

const causeSchema = z.discriminatedUnion("kind", [
  /** A Spark message started the work: the events in it (the first few, and how many more). */
  z.object({ kind: z.literal("events"), events: z.array(eventRefSchema), more: z.number() }),
  /** A person's prompt started it (someone typed to the agent). */
  z.object({ kind: z.literal("prompt") }),
]);

export const approvalRequestSchema = z.looseObject({
  v: z.literal(1),
  id: z.string().check(z.regex(APPROVAL_ID_PATTERN)),
  tool: z.string(),
  /** One line: the command, the file. Redacted. */
  summary: z.string(),
  /** The call's arguments, redacted (long strings cut). */
  args: z.unknown(),
  requestedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
  agent: z.object({ id: z.string(), role: z.string(), pid: z.number(), host: z.string() }),
  cause: causeSchema,
});

export const approvalAnswerSchema = z.looseObject({
  id: z.string().check(z.regex(APPROVAL_ID_PATTERN)),
  answer: z.enum(["approve", "deny"]),
  by: z.string(),
  at: z.iso.datetime({ offset: true }),
  reason: z.string(),
});

export type ApprovalEventRef = z.output<typeof eventRefSchema>;
export type ApprovalCause = z.output<typeof causeSchema>;
export type ApprovalRequest = z.output<typeof approvalRequestSchema>;
export type ApprovalAnswer = z.output<typeof approvalAnswerSchema>;

/** Where a request stands: waiting, answered (yes, no, nobody in time), or left behind by a dead agent. */
export type ApprovalState = "pending" | "approved" | "denied" | "timed-out" | "abandoned";

/** A request with its answer and state, as status, the dashboard and the CLI show it. */
export interface ApprovalView {
  request: ApprovalRequest;
  answer: ApprovalAnswer | undefined;
  state: ApprovalState;
  /** Until the request times out (0 once answered or past its time). */
  remainingMs: number;
}

/** How long past `expiresAt` an unanswered request is still waited on (the waiter polls). */
const GRACE_MS = 5000;

/**
 * The state of a request. Unanswered: pending while its agent lives and its time is not up
 * (plus a grace for the waiter to write the timeout), abandoned otherwise: nothing waits on
 * it any more, so nothing would run if someone said yes now.
 */
export function approvalState(
  request: ApprovalRequest,
  answer: ApprovalAnswer | undefined,
  now: number,
  agentAlive: boolean,
): ApprovalView {
  const expires = Date.parse(request.expiresAt);
  if (answer) {
    const state = answer.answer === "approve" ? "approved" : answer.by === TIMEOUT_BY ? "timed-out" : "denied";
    return { request, answer, state, remainingMs: 0 };
  }
  const waiting = agentAlive && now <= expires + GRACE_MS;
  return {
    request,
    answer,
    state: waiting ? "pending" : "abandoned",
    remainingMs: waiting ? Math.max(0, expires - now) : 0,
  };
}

/** One line for a tool call: the command, or the file and how much changes. */
export function summarizeToolCall(tool: string, args: unknown): string {
  const a = (args !== null && typeof args === "object" ? args : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  let line: string;
  if (tool === "bash") line = text(a.command);
  else if (tool === "write") line = `${text(a.path)} (${text(a.content).split("\n").length} lines)`;
  else if (tool === "edit") {
    const n = Array.isArray(a.edits) ? a.edits.length : 1;
    line = `${text(a.path)} (${n} edit${n === 1 ? "" : "s"})`;
  } else line = JSON.stringify(args ?? {}) ?? "";
  const flat = line.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** What a person's `approve [id]` / `deny [id]` refers to, or why it refers to nothing. */
export type ApprovalPick =
  | { ok: true; view: ApprovalView }
  | { ok: false; problem: "none-pending" | "several-pending" | "bad-id" | "unknown" | "ambiguous"; message: string };

/**
 * Picks the request a person means. Without an id: the only pending one. With one: the
 * request whose id starts with it (at least 3 characters), pending ones first.
 */
export function pickApproval(views: readonly ApprovalView[], query: string | undefined): ApprovalPick {
  const pending = views.filter((v) => v.state === "pending");
  if (query === undefined || query.trim() === "") {
    if (pending.length === 1) return { ok: true, view: pending[0] as ApprovalView };
    if (pending.length === 0)
      return { ok: false, problem: "none-pending", message: "No tool call is waiting for an answer." };
    return {
      ok: false,
      problem: "several-pending",
      message: `${pending.length} tool calls are waiting (${pending.map((v) => v.request.id).join(", ")}): say which one by its id.`,
    };
  }
  const id = query.trim().toLowerCase();
  if (!/^[0-9a-f]{3,8}$/.test(id))
    return { ok: false, problem: "bad-id", message: `"${id.slice(0, 40)}" is not an approval id (8 hex digits).` };
  const matches = views.filter((v) => v.request.id.startsWith(id));
  const preferred = matches.filter((v) => v.state === "pending");
  const chosen = preferred.length > 0 ? preferred : matches;
  if (chosen.length === 1) return { ok: true, view: chosen[0] as ApprovalView };
  if (chosen.length === 0) return { ok: false, problem: "unknown", message: `No approval request ${id}.` };
  return { ok: false, problem: "ambiguous", message: `${id} matches ${chosen.length} requests: give more of the id.` };
}

/** What led to a request, in a few words: `server-error create-user POST /users …`, or a person's prompt. */
export function describeCause(cause: ApprovalCause): string {
  if (cause.kind === "prompt") return "a person's prompt";
  const first = cause.events[0];
  if (!first) return "Spark events";
  const more = cause.events.length - 1 + cause.more;
  const what = first.line ? first.line.replace(/^\d\d:\d\d:\d\d /, "") : `${first.type} ${first.id}`;
  return `${what}${more > 0 ? ` (+${more} more)` : ""}`;
}

/** One line for a waiting request: `3f9a0c1b bash npm test · after server-error … · 9m left`. */
export function describeApproval(view: ApprovalView): string {
  const { request } = view;
  const left = view.state === "pending" ? ` · ${shortAge(view.remainingMs)} left` : ` · ${view.state}`;
  return `${request.id} ${request.tool} ${request.summary} · after ${describeCause(request.cause)}${left}`;
}

/** How a request's answer reads to the agent whose call it held. */
export function answerForAgent(view: Pick<ApprovalView, "request" | "answer">, timeoutMinutes: number): string {
  const { request, answer } = view;
  const call = `${request.tool} call`;
  if (!answer || answer.by === TIMEOUT_BY)
    return `Nobody approved this ${call} within ${timeoutMinutes} minute${timeoutMinutes === 1 ? "" : "s"}, so it was denied. Do not retry it: report what you wanted to run and why, so a person can decide.`;
  if (answer.by === STOPPED_BY) return `This ${call} was not run: ${answer.reason || "Spark stopped waiting"}.`;
  return `${answer.by} denied this ${call}${answer.reason ? `: ${answer.reason}` : ""}. Do not retry it; find another way or report what you need.`;
}
