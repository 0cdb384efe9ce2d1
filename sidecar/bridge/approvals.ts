import type { BusPaths } from "../../bus/paths.js";

/**
 * The approve queue of the `approve` tools level (tool calls waiting for a person's yes).
 *
 * SEAM: the bus API for approvals (`listApprovals`, `answerApproval` in bus/approvals.ts) is
 * being built on branch trust-tools and is not on main yet. Once it lands, `approvalQueue`
 * returns an implementation over it; until then the routes answer 501 and say why.
 */
export interface ApprovalQueue {
  /** Every request with its state (pending, approved, denied, timed-out, abandoned), oldest first. */
  list(): unknown[];
  /** Answers one request; `ok: false` with a message when it is unknown or already settled. */
  answer(
    id: string,
    answer: "approve" | "deny",
    by: string,
    reason: string,
  ): { ok: true; answer: unknown } | { ok: false; message: string; status: 404 | 409 };
}

export function approvalQueue(_paths: BusPaths): ApprovalQueue | undefined {
  return undefined;
}
