import { randomBytes } from "node:crypto";
import { existsSync, linkSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  APPROVAL_ID_PATTERN,
  type ApprovalAnswer,
  type ApprovalCause,
  type ApprovalRequest,
  type ApprovalView,
  approvalAnswerSchema,
  approvalRequestSchema,
  approvalState,
  pickApproval,
  STOPPED_BY,
  summarizeToolCall,
  TIMEOUT_BY,
} from "./approval-rules.js";
import type { BusPaths } from "./paths.js";
import { redactText, redactValue } from "./redact.js";
import { ensurePrivateDir, FILE_MODE, isErrno, readJsonRecord, writeFileAtomic } from "./secure-fs.js";

/**
 * `tools: "approve"` on disk: `.spark/approvals/<id>.json` is a request (written atomically by
 * the agent that waits), `<id>.answer.json` the answer (written by whoever answers: the
 * dashboard, a Pi session, the CLI, the waiter itself on timeout). The answer is created with
 * `link`, which fails when the file exists: the first answer wins and is never overwritten, so
 * a yes and a timeout at the same moment cannot both count.
 */

const ANSWER_SUFFIX = ".answer.json";
/** Answered requests kept for status and history; older ones go when a new request is made. */
const KEEP_ANSWERED = 50;
/** Longest string of a call's arguments kept in a request (a `write` of a whole file is cut). */
const MAX_ARG_CHARS = 8 * 1024;

const requestFile = (paths: BusPaths, id: string) => join(paths.approvals, `${id}.json`);
const answerFile = (paths: BusPaths, id: string) => join(paths.approvals, `${id}${ANSWER_SUFFIX}`);

export interface ApprovalInput {
  tool: string;
  args: unknown;
  agent: ApprovalRequest["agent"];
  cause: ApprovalCause;
  timeoutMs: number;
  /** Extra secret key names (config `redact.keys`). */
  extraKeys?: readonly string[];
  now?: number;
}

/** Writes a request (arguments redacted) and returns it; prunes old answered ones. */
export function requestApproval(paths: BusPaths, input: ApprovalInput): ApprovalRequest {
  ensurePrivateDir(paths.approvals);
  const now = input.now ?? Date.now();
  const args = redactValue(input.args, { extraKeys: input.extraKeys ?? [], maxStringLength: MAX_ARG_CHARS });
  let id = randomBytes(4).toString("hex");
  while (existsSync(requestFile(paths, id))) id = randomBytes(4).toString("hex");
  const request: ApprovalRequest = {
    v: 1,
    id,
    tool: input.tool,
    summary: redactText(summarizeToolCall(input.tool, args)),
    args,
    requestedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + input.timeoutMs).toISOString(),
    agent: input.agent,
    cause: input.cause,
  };
  writeFileAtomic(requestFile(paths, id), `${JSON.stringify(request, null, 2)}\n`);
  try {
    pruneAnswered(paths, now);
  } catch {
    // Pruning is tidiness: a request must not fail over it.
  }
  return request;
}

/** The agent behind `requestApproval`, as this process. */
export function thisAgent(id: string, role: string): ApprovalRequest["agent"] {
  return { id, role, pid: process.pid, host: hostname() };
}

export type DecideResult =
  | { ok: true; answer: ApprovalAnswer }
  | { ok: false; problem: "unknown" }
  | { ok: false; problem: "answered"; answer: ApprovalAnswer | undefined };

/** Answers a request, unless it already has an answer (the first one wins). */
export function decideApproval(
  paths: BusPaths,
  id: string,
  answer: ApprovalAnswer["answer"],
  by: string,
  reason = "",
  now = Date.now(),
): DecideResult {
  if (!APPROVAL_ID_PATTERN.test(id) || !existsSync(requestFile(paths, id))) return { ok: false, problem: "unknown" };
  const body: ApprovalAnswer = { id, answer, by, at: new Date(now).toISOString(), reason };
  const tmp = join(paths.approvals, `.${id}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: FILE_MODE, flag: "wx" });
  try {
    linkSync(tmp, answerFile(paths, id));
  } catch (error) {
    if (isErrno(error, "EEXIST")) return { ok: false, problem: "answered", answer: readAnswer(paths, id) };
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
  return { ok: true, answer: body };
}

export interface ListOptions {
  now?: number;
  /** Presence ids of the live agents: an unanswered request of any other agent is abandoned. */
  liveAgentIds?: ReadonlySet<string>;
}

/** One request with its answer and state; undefined when there is no such (readable) request. */
export function readApproval(paths: BusPaths, id: string, options: ListOptions = {}): ApprovalView | undefined {
  if (!APPROVAL_ID_PATTERN.test(id)) return undefined;
  const request = readJsonRecord(requestFile(paths, id), approvalRequestSchema, 256 * 1024);
  if (!request) return undefined;
  const alive = options.liveAgentIds ? options.liveAgentIds.has(request.agent.id) : true;
  return approvalState(request, readAnswer(paths, id), options.now ?? Date.now(), alive);
}

/** Every readable request, oldest first. */
export function listApprovals(paths: BusPaths, options: ListOptions = {}): ApprovalView[] {
  let names: string[];
  try {
    names = readdirSync(paths.approvals);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  return names
    .filter((n) => n.endsWith(".json") && APPROVAL_ID_PATTERN.test(n.slice(0, -5)))
    .flatMap((n) => readApproval(paths, n.slice(0, -5), options) ?? [])
    .sort((a, b) => a.request.requestedAt.localeCompare(b.request.requestedAt));
}

/** The outcome of a person's `approve [id]` / `deny [id]`. */
export type AnswerResult =
  | { ok: true; view: ApprovalView; answer: ApprovalAnswer }
  | { ok: false; problem: string; message: string; view?: ApprovalView };

/**
 * A person answers: picks the request they mean (`pickApproval`: the only pending one, or an
 * id or its start) and writes the answer. Refuses a request that is no longer pending.
 */
export function answerApproval(
  paths: BusPaths,
  input: {
    query: string | undefined;
    answer: ApprovalAnswer["answer"];
    by: string;
    reason?: string;
    liveAgentIds?: ReadonlySet<string>;
    now?: number;
  },
): AnswerResult {
  const options = { now: input.now ?? Date.now(), ...(input.liveAgentIds ? { liveAgentIds: input.liveAgentIds } : {}) };
  const pick = pickApproval(listApprovals(paths, options), input.query);
  if (!pick.ok) return pick;
  const { view } = pick;
  const id = view.request.id;
  if (view.state !== "pending") {
    const what = view.answer ? `${view.state} by ${view.answer.by}` : `${view.state}: nothing waits for it any more`;
    return { ok: false, problem: "settled", message: `Request ${id} is already ${what}.`, view };
  }
  const decided = decideApproval(paths, id, input.answer, input.by, input.reason ?? "", options.now);
  if (decided.ok) return { ok: true, view: { ...view, answer: decided.answer }, answer: decided.answer };
  if (decided.problem === "unknown") return { ok: false, problem: "unknown", message: `No approval request ${id}.` };
  const by = decided.answer ? ` by ${decided.answer.by}` : "";
  return { ok: false, problem: "settled", message: `Request ${id} was answered a moment ago${by}.`, view };
}

export interface WaitOptions {
  timeoutMs: number;
  /** Stops the wait; the request is then answered `deny` by `STOPPED_BY` with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** How often the answer file is looked for (default 200 ms). */
  pollMs?: number;
}

/**
 * Waits for the answer to a request. When the time is up (or the signal fires) it writes the
 * denial itself, so every request ends with an answer on disk; if a person's answer landed
 * first, that one is returned.
 */
export function waitForDecision(paths: BusPaths, id: string, options: WaitOptions): Promise<ApprovalAnswer> {
  const deadline = Date.now() + options.timeoutMs;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (by: string, reason: string) => {
      const result = decideApproval(paths, id, "deny", by, reason);
      if (result.ok) return result.answer;
      if (result.problem === "answered" && result.answer) return result.answer;
      return { id, answer: "deny", by, at: new Date().toISOString(), reason } satisfies ApprovalAnswer;
    };
    const done = (answer: ApprovalAnswer) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(answer);
    };
    const onAbort = () => {
      try {
        const reason = options.signal?.reason;
        done(finish(STOPPED_BY, reason instanceof Error ? reason.message : String(reason ?? "the run was aborted")));
      } catch (error) {
        reject(error);
      }
    };
    const look = () => {
      try {
        const answer = readAnswer(paths, id);
        if (answer) return done(answer);
        if (Date.now() >= deadline) return done(finish(TIMEOUT_BY, "nobody answered in time"));
        timer = setTimeout(look, Math.min(options.pollMs ?? 200, Math.max(1, deadline - Date.now())));
      } catch (error) {
        options.signal?.removeEventListener("abort", onAbort);
        reject(error);
      }
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    look();
  });
}

function readAnswer(paths: BusPaths, id: string): ApprovalAnswer | undefined {
  const answer = readJsonRecord(answerFile(paths, id), approvalAnswerSchema, 256 * 1024);
  return answer?.id === id ? answer : undefined;
}

/** Keeps the newest settled requests (answered, or past their time); pending ones stay. */
function pruneAnswered(paths: BusPaths, now: number): void {
  const answered = listApprovals(paths, { now }).filter((v) => v.state !== "pending");
  for (const view of answered.slice(0, Math.max(0, answered.length - KEEP_ANSWERED))) {
    for (const file of [answerFile(paths, view.request.id), requestFile(paths, view.request.id)]) {
      try {
        unlinkSync(file);
      } catch (error) {
        if (!isErrno(error, "ENOENT")) throw error;
      }
    }
  }
}
