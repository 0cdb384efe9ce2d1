import type { ExtensionAPI, ExtensionContext } from "@mariozechner/pi-coding-agent";
import { findProjectRoot, loadConfig, looksLikeProject } from "../../bus/config-load.js";
import { profileFor } from "../../bus/config-schema.js";
import { emitEvent, writerContext } from "../../bus/emit.js";
import { terminalSafe } from "../../bus/format/terminal.js";
import { newAgentId } from "../../bus/presence.js";
import { ensureBusDirs } from "../../bus/secure-fs.js";
import type { SparkContext } from "./context.js";
import { Delivery, type DeliveryOptions } from "./delivery.js";
import { type HumanRole, startHumanRole } from "./human-role.js";
import { PresenceKeeper } from "./presence-keeper.js";
import { MUTATING_TOOLS, type SparkRole } from "./role.js";
import { runReport } from "./run-report.js";
import { type SidecarRole, startSidecarRole } from "./sidecar-role.js";
import { type Blocked, ToolGuard } from "./tool-guard.js";

/** Spark's state for one Pi session, from `session_start` to `session_shutdown`. */
export class SparkSession {
  private constructor(
    readonly context: SparkContext,
    private readonly presence: PresenceKeeper,
    private readonly delivery: Delivery,
    private readonly roleImpl: { human?: HumanRole; sidecar?: SidecarRole },
    private readonly guard: ToolGuard,
  ) {}

  /**
   * Starts Spark for a session: presence, an `agent-start` event, and the role. Returns
   * undefined (after saying why) when Spark is off or its config is broken.
   */
  static start(
    pi: ExtensionAPI,
    ctx: ExtensionContext,
    role: SparkRole,
    options: DeliveryOptions = {},
  ): SparkSession | undefined {
    const ui = uiOf(ctx);
    const root = findProjectRoot(ctx.cwd);
    // A person's session outside any project stays quiet (no .spark/ in a home folder); the
    // sidecar is started on purpose, so it always runs.
    if (role === "human" && !looksLikeProject(root)) return undefined;
    let loaded: ReturnType<typeof loadConfig>;
    try {
      loaded = loadConfig(root);
    } catch (error) {
      ui.status(`⚠ Spark is off: ${(error as Error).message.split("\n")[0]}`);
      ui.notify(`Spark is off: ${(error as Error).message}`, "warning");
      return undefined;
    }
    const { paths, config } = loaded;
    if (!config.enabled) {
      ui.status(undefined);
      return undefined;
    }
    try {
      ensureBusDirs(paths);
    } catch (error) {
      // A bus folder that is a symlink, say: Spark stays off rather than write through it.
      ui.status(`⚠ Spark is off: ${(error as Error).message.split("\n")[0]}`);
      ui.notify(`Spark is off: ${(error as Error).message}`, "warning");
      return undefined;
    }
    const agentId = newAgentId(role);
    const report = (error: unknown) => ui.notify(`Spark: ${(error as Error)?.message ?? String(error)}`, "warning");
    const context: SparkContext = {
      pi,
      ctx,
      role,
      agentId,
      root,
      paths,
      config,
      profile: profileFor(config),
      status: ui.status,
      notify: ui.notify,
      report,
    };
    const presence = new PresenceKeeper(
      paths,
      { id: agentId, role, cwd: ctx.cwd },
      config.presence.heartbeatMs,
      report,
    );
    emitAgentEvent(context, "agent-start");
    const delivery = new Delivery(pi, ctx, options);
    // Before the role starts: its first scan may already replace this with a hold.
    if (role === "sidecar") ui.status(`⚡ Spark sidecar (${config.environment}, ${context.profile.behavior})`);
    let impl: { human?: HumanRole; sidecar?: SidecarRole };
    try {
      impl =
        role === "sidecar"
          ? { sidecar: startSidecarRole(context, delivery) }
          : { human: startHumanRole(context, delivery) };
    } catch (error) {
      // No presence without a role behind it: a dead sidecar must not look alive.
      presence.stop();
      report(error);
      return undefined;
    }
    return new SparkSession(context, presence, delivery, impl, new ToolGuard(context));
  }

  /**
   * A tool is about to run: the tools level decides (read-only blocks, approve waits for a
   * person's answer); a mutating call that goes ahead marks the agent `working`.
   */
  async onToolCall(toolName: string, input: unknown, ctx: ExtensionContext): Promise<Blocked | undefined> {
    const blocked = await this.guard.check(toolName, input, ctx);
    if (blocked || this.stopped) return blocked;
    if (MUTATING_TOOLS.has(toolName)) this.presence.setStatus("working");
    return undefined;
  }

  /** A message finished: Spark's own event messages are then in the session. */
  onMessageEnd(message: { role: string; customType?: string; details?: unknown }): void {
    this.delivery.onMessageEnd(message);
  }

  /** A run began (a retry of a failed one, maybe): a delivery waiting on it waits for its end. */
  onAgentStart(): void {
    this.delivery.onAgentStart();
  }

  /**
   * The agent run ended: idle again. Messages it took are delivered (their events acked) if
   * the agent answered, and a consumer that waited for the agent to be free looks again.
   */
  onAgentEnd(messages: readonly unknown[]): void {
    // The sidecar says how its run ended (fixed, gave up, failed): people's sessions show it.
    if (this.context.role === "sidecar")
      this.presence.recordRun(runReport(messages as Parameters<typeof runReport>[0]));
    this.presence.setStatus("idle");
    this.delivery.onAgentEnd(messages);
    // isIdle() turns true only after the agent_end handlers: look on the next turn (unless the
    // session ended meanwhile: its ctx is stale then).
    setImmediate(() => {
      if (this.stopped) return;
      this.roleImpl.sidecar?.poke();
      this.roleImpl.human?.refresh();
    });
  }

  get human(): HumanRole | undefined {
    return this.roleImpl.human;
  }

  get sidecar(): SidecarRole | undefined {
    return this.roleImpl.sidecar;
  }

  private stopped = false;

  /** Closes every watcher and timer, removes the presence file, emits `agent-stop`. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.guard.stop();
    await Promise.all([this.roleImpl.human?.stop(), this.roleImpl.sidecar?.stop()]);
    this.presence.stop();
    emitAgentEvent(this.context, "agent-stop");
  }
}

function emitAgentEvent(s: SparkContext, type: "agent-start" | "agent-stop"): void {
  try {
    emitEvent(s.paths, { type, agentId: s.agentId, role: s.role }, writerContext(s.config, "pi"));
  } catch (error) {
    s.report(error);
  }
}

/**
 * Status and notifications that do nothing without a UI and never throw (stale ctx included).
 * Both can quote event text (a feature, a pause reason): made terminal-safe for Pi's screen.
 */
function uiOf(ctx: ExtensionContext): Pick<SparkContext, "status" | "notify"> {
  let shown: string | undefined;
  return {
    status(raw) {
      const text = raw === undefined ? undefined : terminalSafe(raw).replace(/\s+/g, " ");
      // Rescans repeat the same line; only a change is worth a redraw (or an RPC message).
      if (text === shown) return;
      shown = text;
      try {
        if (ctx.hasUI) ctx.ui.setStatus("spark", text);
      } catch {
        // The session was replaced: nothing to show it on.
      }
    },
    notify(text, level = "info") {
      try {
        if (ctx.hasUI) ctx.ui.notify(terminalSafe(text), level);
      } catch {
        // Same.
      }
    },
  };
}
