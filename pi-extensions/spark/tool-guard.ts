import type { ExtensionContext } from "@mariozechner/pi-coding-agent";
import { answerForAgent } from "../../bus/approval-rules.js";
import { requestApproval, thisAgent, waitForDecision } from "../../bus/approvals.js";
import { approvalCause, tookSparkEvents } from "./approval-cause.js";
import type { SparkContext } from "./context.js";
import { sessionToolsLevel, toolGate } from "./role.js";

/** What Pi's `tool_call` handler returns to stop a call. */
export interface Blocked {
  block: true;
  reason: string;
}

/**
 * Applies the environment's tools level to every tool call: `read-only` blocks, `approve`
 * writes a request to `.spark/approvals/` and waits for a person's answer (denied when the
 * time is up, or when the run or the session ends first).
 */
export class ToolGuard {
  private readonly ending = new AbortController();

  constructor(private readonly s: SparkContext) {}

  /** Undefined: the call may run. */
  async check(toolName: string, input: unknown, ctx: ExtensionContext): Promise<Blocked | undefined> {
    const { s } = this;
    // Most calls run under `full`: the session's entries are read only when the level matters.
    if (toolGate(toolName, s.profile.tools) === "allow") return undefined;
    const entries = s.ctx.sessionManager.getBranch();
    const level = sessionToolsLevel(s.role, s.profile.tools, s.role === "human" && tookSparkEvents(entries));
    const gate = toolGate(toolName, level);
    if (gate === "allow") return undefined;
    const where = s.config.environment;
    if (gate === "block") {
      return {
        block: true,
        reason:
          s.role === "sidecar"
            ? `Spark runs read-only in ${where}: only read, grep, find and ls may run (${toolName} is blocked). Investigate and report instead.`
            : `This session took Spark events from ${where}, which is read-only: only read, grep, find and ls may run now (${toolName} is blocked). Start a new session (/new) for other work.`,
      };
    }
    return this.ask(toolName, input, entries, ctx.signal);
  }

  /** The session is ending: every wait ends with a denial. */
  stop(): void {
    this.ending.abort(new Error("the Pi session ended before anyone answered"));
  }

  private async ask(
    toolName: string,
    input: unknown,
    entries: ReturnType<ExtensionContext["sessionManager"]["getBranch"]>,
    runSignal: AbortSignal | undefined,
  ): Promise<Blocked | undefined> {
    const { s } = this;
    const minutes = s.config.approvals.timeoutMinutes;
    const request = requestApproval(s.paths, {
      tool: toolName,
      args: input,
      agent: thisAgent(s.agentId, s.role),
      cause: approvalCause(s.paths, s.agentId, entries),
      timeoutMs: minutes * 60_000,
      extraKeys: s.config.redact.keys,
    });
    s.notify(
      `⏳ ${toolName} waits for a yes: ${request.summary}. Answer with \`manifest spark approve ${request.id}\` or \`deny ${request.id}\` (denied in ${minutes} min).`,
      "warning",
    );
    const signal = runSignal ? AbortSignal.any([runSignal, this.ending.signal]) : this.ending.signal;
    const answer = await waitForDecision(s.paths, request.id, { timeoutMs: minutes * 60_000, signal });
    if (answer.answer === "approve") {
      s.notify(`✔ ${answer.by} approved ${toolName} (${request.id})`, "info");
      return undefined;
    }
    s.notify(`✖ ${toolName} (${request.id}) was not approved: ${answer.reason || `denied by ${answer.by}`}`, "info");
    return { block: true, reason: answerForAgent({ request, answer }, minutes) };
  }
}
