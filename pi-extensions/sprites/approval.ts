import type { ExtensionContext } from "@mariozechner/pi-coding-agent";
import { answerForAgent } from "../../bus/approval-rules.js";
import { decideApproval, requestApproval, thisAgent, waitForDecision } from "../../bus/approvals.js";
import { findProjectRoot, loadConfig } from "../../bus/config-load.js";
import { busPaths } from "../../bus/paths.js";

/** Who answered through Pi's own dialog, in the request's answer file. */
const PI_DIALOG = "pi (the session's dialog)";

/**
 * Asks for a yes the way every Spark agent does (bus/approvals.ts): a request in the project's
 * `.spark/approvals/`, answered by `manifest spark approve|deny <id>`, the dashboard or, when
 * this session has a screen, Pi's dialog (its answer goes through the same file: the first
 * answer wins). Resolves with undefined when approved, else the reason the model reads.
 */
export async function askForSpriteTool(
  tool: string,
  args: unknown,
  what: string,
  ctx: ExtensionContext,
): Promise<string | undefined> {
  const root = findProjectRoot(ctx.cwd);
  const { config } = loadConfig(root);
  const paths = busPaths(root);
  const minutes = config.approvals.timeoutMinutes;
  const request = requestApproval(paths, {
    tool,
    args,
    agent: thisAgent(`pi-${process.pid}`, "human"),
    cause: { kind: "prompt" },
    timeoutMs: minutes * 60_000,
    extraKeys: config.redact.keys,
  });
  const ended = new AbortController();
  if (ctx.hasUI) {
    ctx.ui.notify(
      `⏳ ${tool} waits for a yes (${request.id}): also \`manifest spark approve ${request.id}\` or \`deny ${request.id}\`.`,
      "warning",
    );
    void ctx.ui
      .confirm(`Allow ${tool}? (${request.id})`, what, { signal: ended.signal })
      .then((yes) => {
        if (!ended.signal.aborted) decideApproval(paths, request.id, yes ? "approve" : "deny", PI_DIALOG);
      })
      .catch(() => {});
  }
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, ended.signal]) : ended.signal;
  try {
    const answer = await waitForDecision(paths, request.id, { timeoutMs: minutes * 60_000, signal });
    return answer.answer === "approve" ? undefined : answerForAgent({ request, answer }, minutes);
  } finally {
    ended.abort();
  }
}
