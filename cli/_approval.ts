import { stripVTControlCharacters } from "node:util";
import type { ApprovalView } from "../bus/approval-rules.js";
import { describeApproval } from "../bus/approval-rules.js";
import { type AnswerResult, answerApproval } from "../bus/approvals.js";
import { currentUser } from "../bus/pause.js";
import { liveAgents, localLivenessFacts } from "../bus/presence.js";
import { jsonArg } from "./_args.js";
import { CliError, EXIT } from "./_errors.js";
import { createOutput } from "./_output.js";
import { projectConfig } from "./_project.js";

/** The arguments of `manifest spark approve` and `deny`. */
export const answerArgs = {
  id: {
    type: "positional",
    required: false,
    description: "Request id, or its start (default: the only waiting request)",
  },
  reason: { type: "string", description: "Why (the agent reads it with a denial)" },
  by: { type: "string", description: "Who answers (default: your user name)" },
  ...jsonArg,
} as const;

const NEXT = "`manifest spark status` lists the waiting requests and their ids.";

/** Answers a waiting tool call from the command line; returns the exit code. */
export function runAnswer(
  answer: "approve" | "deny",
  args: { id?: string | undefined; reason?: string | undefined; by?: string | undefined; json?: boolean },
): number {
  const out = createOutput(Boolean(args.json));
  const { paths, config } = projectConfig();
  const live = liveAgents(paths, localLivenessFacts(config.presence.ttlMs));
  const result = answerApproval(paths, {
    query: args.id,
    answer,
    by: args.by || currentUser(),
    reason: args.reason ?? "",
    liveAgentIds: new Set(live.map((a) => a.id)),
  });
  if (!result.ok) throw answerError(result);
  out.document({ ok: true, id: result.view.request.id, answer: result.answer, request: result.view.request });
  const mark = answer === "approve" ? out.style.green("✔ approved") : out.style.red("✖ denied");
  const { request } = result.view;
  out.line(`${mark} ${request.id} ${printable(`${request.tool} ${request.summary}`)}`);
  out.line(
    out.style.dim(answer === "approve" ? "  The agent runs the call now." : "  The agent is told it was denied."),
  );
  return 0;
}

function answerError(result: Extract<AnswerResult, { ok: false }>): CliError {
  switch (result.problem) {
    case "bad-id":
    case "ambiguous":
    case "several-pending":
      return new CliError(printable(result.message), "E_USAGE", NEXT, EXIT.usage);
    case "none-pending":
      return new CliError(result.message, "E_NOTHING_WAITING", NEXT);
    case "unknown":
      return new CliError(printable(result.message), "E_UNKNOWN_APPROVAL", NEXT);
    default:
      return new CliError(printable(result.message), "E_ANSWERED", NEXT);
  }
}

/** Text from a request (a command the model wrote, an event's message) made safe for a terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return stripVTControlCharacters(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

/** The readable lines of `spark status` for waiting requests. */
export function approvalLines(views: readonly ApprovalView[]): string[] {
  return views.map((v) => printable(describeApproval(v)));
}
