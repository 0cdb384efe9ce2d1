/**
 * The Spark Pi extension: thin wiring of Pi's events to the bus. A human session keeps a
 * presence file and an ambient status line; the sidecar (role set explicitly) consumes
 * events and injects one message per batch. All logic lives in the modules beside this
 * file and in bus/.
 */
import type { ExtensionAPI, ExtensionFactory } from "@mariozechner/pi-coding-agent";
import { redactToolOutput } from "../../bus/redact-tool-output.js";
import { runSparkCommand } from "./commands.js";
import { systemPromptAddition } from "./instructions.js";
import { resolveRole, type SparkRole } from "./role.js";
import { SparkSession } from "./spark-session.js";

export interface SparkExtensionOptions {
  /** Fixes the role (SDK hosts); otherwise `--spark-role` or `SPARK_ROLE` decide. */
  role?: SparkRole;
  /** Whether Pi is about to retry a failed run (an SDK host knows: `session.isRetrying`). */
  isRetrying?: () => boolean;
}

/** Builds the extension; the default export is this with the role taken from Pi's flags/env. */
export function createSparkExtension(options: SparkExtensionOptions = {}): ExtensionFactory {
  return (pi: ExtensionAPI) => {
    let session: SparkSession | undefined;
    let stopping: Promise<void> | undefined;

    if (!options.role) {
      pi.registerFlag("spark-role", { description: "Spark role: sidecar (consume events) or human", type: "string" });
    }
    const role = (): SparkRole => options.role ?? resolveRole(process.env, safeFlag(pi));

    let sessionKey: string | undefined;

    pi.on("session_start", async (_event, ctx) => {
      // A replacement session starts only after the previous one has let go of everything.
      await stopping;
      // Pi 0.73.1's RPC `new_session` binds the new session twice, so one instance can get
      // two session_start events: the second must not start (and leak) a second Spark.
      if (session) return;
      // Spark listed twice (global and project settings, say) would run twice in one
      // session: the first instance runs, the others stand aside and say so.
      const key = ctx.sessionManager.getSessionId();
      if (!claimSession(key)) {
        if (ctx.hasUI)
          ctx.ui.notify("Spark is loaded more than once in this session; only the first copy runs.", "warning");
        return;
      }
      sessionKey = key;
      session = SparkSession.start(pi, ctx, role(), { isRetrying: options.isRetrying });
    });

    pi.on("session_shutdown", async () => {
      const current = session;
      session = undefined;
      if (sessionKey) releaseSession(sessionKey);
      sessionKey = undefined;
      stopping = current?.stop();
      await stopping;
    });

    // Awaited by Pi before the tool runs: under `tools: "approve"` this waits for a person.
    pi.on("tool_call", (event, ctx) => session?.onToolCall(event.toolName, event.input, ctx));

    // What a tool printed reaches the session file, the model and the screens only redacted
    // (sidecar role). Also when Spark could not start there: redaction fails safe.
    pi.on("tool_result", (event) => {
      if (role() !== "sidecar") return undefined;
      const config = session?.context.config;
      if (config && !config.sidecar.redactToolOutput) return undefined;
      const redacted = redactToolOutput(event.content, event.details, config?.redact.keys ?? []);
      return redacted && { content: redacted.content, details: redacted.details };
    });

    pi.on("agent_start", () => session?.onAgentStart());

    pi.on("agent_end", (event) => session?.onAgentEnd(event.messages));

    pi.on("message_end", (event) => session?.onMessageEnd(event.message as { role: string }));

    pi.on("before_agent_start", (event) => {
      if (!session) return undefined;
      const { role: r, config, profile } = session.context;
      return { systemPrompt: `${event.systemPrompt}\n${systemPromptAddition(r, config.environment, profile)}` };
    });

    pi.registerCommand("spark", {
      description:
        "Spark: status | take (claim pending events here) | pause [reason] | resume | approve [id] | deny [id] [why]",
      getArgumentCompletions: (prefix) =>
        ["status", "take", "pause", "resume", "approve", "deny"]
          .filter((c) => c.startsWith(prefix))
          .map((value) => ({ value, label: value })),
      handler: async (args, ctx) => {
        const text = runSparkCommand(session, args);
        if (ctx.hasUI) ctx.ui.notify(text, "info");
        // stderr: in print and JSON modes stdout is Pi's own output (JSONL in --mode json).
        else process.stderr.write(`${text}\n`);
      },
    });
  };
}

/** Sessions that have a running Spark, process-wide (two copies of the module share it). */
const ACTIVE_KEY = Symbol.for("manifest-spark.active-sessions");
function activeSessions(): Set<string> {
  const registry = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  registry[ACTIVE_KEY] ??= new Set();
  return registry[ACTIVE_KEY];
}

function claimSession(key: string): boolean {
  const active = activeSessions();
  if (active.has(key)) return false;
  active.add(key);
  return true;
}

function releaseSession(key: string): void {
  activeSessions().delete(key);
}

function safeFlag(pi: ExtensionAPI): unknown {
  try {
    return pi.getFlag("spark-role");
  } catch {
    return undefined;
  }
}

export default createSparkExtension();
