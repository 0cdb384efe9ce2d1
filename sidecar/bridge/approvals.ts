import type { ApprovalView } from "../../bus/approval-rules.js";
import { answerApproval, listApprovals } from "../../bus/approvals.js";
import type { BusPaths } from "../../bus/paths.js";
import { liveAgents, localLivenessFacts } from "../../bus/presence.js";

/**
 * The approve queue of the `approve` tools level (tool calls waiting for a person's yes),
 * over the bus's approvals (`.spark/approvals/`): the same first-answer-wins files the
 * dashboard, the CLI and Pi sessions answer through.
 */
export interface ApprovalQueue {
  /** Every request with its state (pending, approved, denied, timed-out, abandoned), oldest first. */
  list(): ApprovalView[];
  /** Answers one request (by id, or the start of one); a 404 or 409 with a message otherwise. */
  answer(
    id: string,
    answer: "approve" | "deny",
    by: string,
    reason: string,
  ): { ok: true; answer: unknown; request: unknown } | { ok: false; message: string; status: 404 | 409 };
}

export function approvalQueue(paths: BusPaths, presenceTtlMs: number): ApprovalQueue {
  // A request of an agent that is gone is abandoned, not pending: nobody waits for its answer.
  const liveAgentIds = () => new Set(liveAgents(paths, localLivenessFacts(presenceTtlMs)).map((a) => a.id));
  return {
    list: () => listApprovals(paths, { liveAgentIds: liveAgentIds() }),
    answer(id, answer, by, reason) {
      const result = answerApproval(paths, { query: id, answer, by, reason, liveAgentIds: liveAgentIds() });
      if (result.ok) return { ok: true, answer: result.answer, request: result.view.request };
      const missing = result.problem === "unknown" || result.problem === "bad-id";
      return { ok: false, message: result.message, status: missing ? 404 : 409 };
    },
  };
}
