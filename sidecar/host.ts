import { join, resolve } from "node:path";
import type {
  AgentSession,
  AgentSessionEvent,
  AgentSessionRuntime,
  ExtensionFactory,
  LoadExtensionsResult,
  SessionManager,
} from "@mariozechner/pi-coding-agent";
import { type LoadedConfig, loadConfig } from "../bus/config-load.js";
import { clearPause, readPause, writePause } from "../bus/pause.js";
import { ensurePrivateDir, writeFileAtomic } from "../bus/secure-fs.js";
import { createSparkExtension } from "../pi-extensions/spark/index.js";
import { hasUsableModel } from "../pi-extensions/spark/model-check.js";
import { type ConversationItem, redactHostItem, toConversationItem } from "./conversation.js";
import { holdSidecarLock, type KeptLock } from "./host-lock.js";
import { hostUiContext } from "./host-ui.js";
import { piModels } from "./pi-models.js";
import type { InstalledPi } from "./pi-package.js";
import { type LoadedPi, loadPiSdk, PiMissingError, type PiSdk } from "./pi-sdk.js";
import { REPLAY_MODEL, replayModelsJson, startReplayModel } from "./replay-model.js";
import { INTERRUPTED_ENTRY, resumeCutRun } from "./resume.js";
import type { ScriptedModel } from "./scripted-model.js";
import {
  ownSessionFile,
  releaseSessionFile,
  removeStaleEmptySessionFiles,
  tightenSessionFile,
} from "./session-file.js";
import { type WatchOnly, watchOnlyInfo } from "./watch-only.js";

/** Everything the sidecar host reports, in order. */
export type HostItem =
  | ConversationItem
  | { kind: "status"; text: string | undefined }
  | { kind: "notice"; level: "info" | "warning" | "error"; text: string };

export interface SidecarOptions {
  /** Project root (default: found from the cwd). */
  root: string;
  /** `provider/id`; default: config `sidecar.model`, then Pi's own default. */
  model?: string | undefined;
  /** Pi's agent folder (default: `PI_CODING_AGENT_DIR` or `~/.pi/agent`). */
  agentDir?: string | undefined;
  /**
   * Replay a scripted fix of the example app instead of calling a model (`manifest demo
   * --replay`): the replay model runs inside this process, so it lives exactly as long as the
   * sidecar, and is labelled REPLAY wherever the model shows.
   */
  replay?: boolean | undefined;
  /** Module URL of Pi's SDK (`manifest sidecar` finds it, maybe a global Pi); default: the project's. */
  piSdk?: string | undefined;
  /** More for the session than Spark (the bridge's starter extension and its context). */
  extras?: SessionExtras | undefined;
}

/** Extensions and system-prompt text a front end adds to the sidecar's session. */
export interface SessionExtras {
  extensionFactories?: ExtensionFactory[];
  /**
   * Appended to the system prompt through the resource loader, so it holds for every run,
   * including those Spark starts itself (`before_agent_start` does not fire for those).
   */
  appendSystemPrompt?: string;
}

/** The live Pi session, for a front end that drives it beyond send and abort (the bridge). */
export interface AgentAccess {
  readonly runtime: AgentSessionRuntime;
  /** The current session: a new object after a session switch (new, resume). */
  session(): AgentSession;
  /** Every event of the current session, across switches. */
  onEvent(listener: (event: AgentSessionEvent) => void): () => void;
  /** Shows a notice wherever the host's items go (dashboard, NDJSON). */
  notice(level: "info" | "warning" | "error", text: string): void;
}

/** The running sidecar: a Pi session with Spark in the sidecar role. */
export interface SidecarHost {
  readonly loaded: LoadedConfig;
  /** `provider/id` of the model, or undefined in watch-only mode. */
  readonly model: string | undefined;
  /** Set when there is no model: events stay pending, and this says how to fix it. */
  readonly watchOnly: WatchOnly | undefined;
  readonly sessionFile: string | undefined;
  /** The Pi package the session runs on (name, version). */
  readonly pi: Pick<InstalledPi, "name" | "version">;
  /** Spark's current status line. */
  status(): string | undefined;
  /** Whether the agent is working on something now. */
  busy(): boolean;
  subscribe(listener: (item: HostItem) => void): () => void;
  /** Sends a person's message: a new prompt when idle, steering when busy. */
  send(text: string): void;
  /** Stops the current run. */
  abort(): Promise<void>;
  /** Pauses Spark (manual pause) or resumes it; returns the new state. */
  togglePause(by: string): "paused" | "resumed";
  /** Shuts down cleanly: session_shutdown (presence removed, claims acked or released), dispose. */
  shutdown(): Promise<void>;
  /** The Pi session itself, for the bridge. */
  readonly agent: AgentAccess;
}

/** How long a stopping sidecar waits for its run to end once aborted. */
const ABORT_WAIT_MS = 5000;

/** Thrown for a model that cannot be used: says which, and how to list the others. */
export class SidecarSetupError extends Error {
  override readonly name = "SidecarSetupError";
}

/**
 * Starts the sidecar with the user's own Pi setup (auth, models, settings, other
 * extensions) and Spark in the sidecar role. Its session lives in `.spark/sessions/` and is
 * continued after a restart. No model is not an error: the sidecar then only watches.
 */
export async function startSidecarHost(options: SidecarOptions): Promise<SidecarHost> {
  const root = resolve(options.root);
  const loaded = loadConfig(root);
  // One sidecar per project, taken before anything else: a second one would claim the same
  // events, edit the same files and continue the same session file.
  const lock = holdSidecarLock(loaded);
  try {
    return await startLockedHost(options, root, loaded, lock);
  } catch (error) {
    lock.stop();
    throw error;
  }
}

async function startLockedHost(
  options: SidecarOptions,
  root: string,
  loaded: LoadedConfig,
  lock: KeptLock,
): Promise<SidecarHost> {
  const sessionDir = join(loaded.paths.spark, "sessions");
  ensurePrivateDir(sessionDir);
  const pi: LoadedPi = await loadPiSdk(root, options.piSdk).catch((error: unknown) => {
    throw error instanceof PiMissingError ? new SidecarSetupError(error.message) : error;
  });
  const replay = options.replay ? await startReplayAgent(loaded.paths.spark) : undefined;
  const agentDir = replay?.agentDir ?? options.agentDir ?? pi.sdk.getAgentDir();
  // Pi 0.73 appends to a session file made ahead (0600 from its first byte); Pi 1.x makes its
  // own, exclusively, at its first flush: that one is tightened as soon as it exists.
  const piMakesSessionFile = pi.installed.name !== "@mariozechner/pi-coding-agent";
  const listeners = new Set<(item: HostItem) => void>();
  // What happens during start-up (the health report, the first status) is kept for the
  // first subscriber, which can only subscribe once the host is returned.
  const backlog: HostItem[] = [];
  // Everything shown (dashboard, NDJSON) goes through the event redactor: tool output is
  // redacted by the extension already, but a person's prompt or a notice is not.
  const emit = (raw: HostItem) => {
    const item = redactHostItem(raw);
    if (listeners.size === 0) backlog.push(item);
    for (const listener of listeners) listener(item);
  };
  let statusText: string | undefined;
  const ui = hostUiContext({
    status: (key, text) => {
      if (key !== "spark") return;
      statusText = text;
      emit({ kind: "status", text });
    },
    notify: (text, level) => emit({ kind: "notice", level, text }),
  });

  // The session, once there is one (the extension is created before it).
  let current: AgentSession | undefined;
  const wanted = replay ? REPLAY_MODEL : (options.model ?? loaded.config.sidecar.model);
  let fallback: string | undefined;
  const runtime: AgentSessionRuntime = await pi.sdk.createAgentSessionRuntime(
    async ({ cwd, sessionManager, sessionStartEvent }) => {
      const services = await pi.sdk.createAgentSessionServices({
        cwd,
        agentDir,
        resourceLoaderOptions: {
          // The host knows when Pi retries a failed run: a delivery waits for the retry.
          extensionFactories: [
            createSparkExtension({ role: "sidecar", isRetrying: () => current?.isRetrying ?? false }),
            ...(options.extras?.extensionFactories ?? []),
          ],
          // Spark may also be listed in .pi/settings.json (spark init puts it there for
          // people's sessions): here it runs once, in the sidecar role, from the factory.
          extensionsOverride: withoutListedSpark,
          // An override, not `appendSystemPrompt`: that would replace APPEND_SYSTEM.md discovery.
          ...(options.extras?.appendSystemPrompt
            ? { appendSystemPromptOverride: (base: string[]) => [...base, options.extras?.appendSystemPrompt ?? ""] }
            : {}),
        },
      });
      const model = wanted ? findModel(piModels(services), wanted) : undefined;
      const created = await pi.sdk.createAgentSessionFromServices({
        services,
        sessionManager,
        sessionStartEvent,
        model,
      });
      fallback = created.modelFallbackMessage;
      return { ...created, services, diagnostics: services.diagnostics };
    },
    { cwd: root, agentDir, sessionManager: openSessionManager(pi.sdk, root, sessionDir, piMakesSessionFile) },
  );

  let session: AgentSession = runtime.session;
  current = session;
  let unsubscribe = () => {};
  const ownFile = (file: string | undefined) => (piMakesSessionFile ? tightenSessionFile(file) : ownSessionFile(file));
  const eventListeners = new Set<(event: AgentSessionEvent) => void>();
  const bind = async (s: AgentSession) => {
    unsubscribe();
    let privateFile = !piMakesSessionFile;
    unsubscribe = s.subscribe((event) => {
      // Pi writes after its own handlers of these: the file may first exist at the next one.
      if (!privateFile && (event.type === "message_end" || event.type === "turn_end" || event.type === "agent_end"))
        privateFile = tightenSessionFile(s.sessionFile);
      for (const listener of eventListeners) listener(event);
      const item = toConversationItem(event);
      if (item) emit(item);
    });
    await s.bindExtensions({
      uiContext: ui,
      onError: (e) => emit({ kind: "notice", level: "error", text: `extension error (${e.event}): ${e.error}` }),
      shutdownHandler: () => emit({ kind: "notice", level: "info", text: "the session asked to shut down" }),
    });
  };
  runtime.setRebindSession(async (s) => {
    // A replacement session (a /new) gets a new file: private from its first byte too.
    ownFile(s.sessionFile);
    session = s;
    current = s;
    await bind(s);
  });
  await bind(session);

  const usable = session.model && hasUsableModel(session.model, piModels(session).auth);
  // A replay is labelled as such wherever the model shows (dashboard header, NDJSON).
  const model = usable
    ? replay
      ? "REPLAY: scripted fix"
      : `${session.model?.provider}/${session.model?.id}`
    : undefined;
  const watchOnly = model ? undefined : watchOnlyInfo(fallback, agentDir);
  let stopped = false;
  lock.onLost(() => {
    emit({
      kind: "notice",
      level: "error",
      text: "Another sidecar has taken this project's lock (this one missed its heartbeats): this one stops now.",
    });
    // The front end (dashboard or headless) shuts down cleanly on SIGTERM.
    process.kill(process.pid, "SIGTERM");
  });
  if (model) resumeCutRun(session, (level, text) => emit({ kind: "notice", level, text }));

  return {
    loaded,
    model,
    watchOnly,
    sessionFile: session.sessionFile,
    pi: { name: pi.installed.name, version: pi.installed.version },
    status: () => statusText,
    busy: () => session.isStreaming,
    subscribe(listener) {
      listeners.add(listener);
      for (const item of backlog.splice(0)) listener(item);
      return () => listeners.delete(listener);
    },
    send(text) {
      if (watchOnly) {
        emit({
          kind: "notice",
          level: "warning",
          text: "No model: the sidecar only watches. See the explanation above.",
        });
        return;
      }
      void session
        .prompt(text, session.isStreaming ? { streamingBehavior: "steer" } : {})
        .catch((error: unknown) => emit({ kind: "notice", level: "error", text: (error as Error).message }));
    },
    abort: () => session.abort(),
    togglePause(by) {
      const state = readPause(loaded.paths, Number.POSITIVE_INFINITY);
      if (state.kind === "none") {
        writePause(loaded.paths, { by, reason: "paused from the sidecar dashboard" });
        return "paused";
      }
      clearPause(loaded.paths);
      return "resumed";
    },
    agent: {
      runtime,
      session: () => session,
      onEvent(listener) {
        eventListeners.add(listener);
        return () => eventListeners.delete(listener);
      },
      notice: (level, text) => emit({ kind: "notice", level, text }),
    },
    async shutdown() {
      if (stopped) return;
      stopped = true;
      if (session.isStreaming) {
        // Stopped mid-run (a service restart, a Sprite's stop): end the run, its tools'
        // processes with it (dispose alone leaves them running and the process alive), and
        // mark the session so the next start carries the run on.
        await Promise.race([session.abort(), new Promise((resolve) => setTimeout(resolve, ABORT_WAIT_MS).unref())]);
        session.sessionManager.appendCustomEntry(INTERRUPTED_ENTRY, { at: new Date().toISOString() });
      }
      await runtime.dispose();
      releaseSessionFile(session.sessionFile);
      unsubscribe();
      await replay?.model.close();
      // Last: until the session has let go of everything, no other sidecar may start.
      lock.stop();
    },
  };
}

/** The session to continue (or a new one), its file created 0600 before Pi writes to it. */
function openSessionManager(pi: PiSdk, root: string, sessionDir: string, piMakesSessionFile: boolean): SessionManager {
  removeStaleEmptySessionFiles(sessionDir);
  const manager = pi.SessionManager.continueRecent(root, sessionDir);
  if (piMakesSessionFile) tightenSessionFile(manager.getSessionFile());
  else ownSessionFile(manager.getSessionFile());
  return manager;
}

/** A Pi agent folder under `.spark/` whose only model is the in-process replay. */
async function startReplayAgent(sparkDir: string): Promise<{ model: ScriptedModel; agentDir: string }> {
  const model = await startReplayModel();
  const agentDir = join(sparkDir, "replay-agent");
  ensurePrivateDir(agentDir);
  writeFileAtomic(join(agentDir, "models.json"), replayModelsJson(model));
  return { model, agentDir };
}

/**
 * Drops Spark instances that came from settings or discovery, whatever their path: they are
 * the default export, which registers the `--spark-role` flag; the factory's instance (role
 * fixed) does not.
 */
function withoutListedSpark(base: LoadExtensionsResult): LoadExtensionsResult {
  return { ...base, extensions: base.extensions.filter((e) => !e.flags.has("spark-role")) };
}

function findModel(models: { find(provider: string, id: string): unknown }, spec: string) {
  const slash = spec.indexOf("/");
  const model = slash > 0 ? models.find(spec.slice(0, slash), spec.slice(slash + 1)) : undefined;
  if (!model) {
    throw new SidecarSetupError(
      `model "${spec}" is not known to Pi. \`pi --list-models\` lists the models you can use (as provider/id).`,
    );
  }
  return model as Parameters<PiSdk["createAgentSessionFromServices"]>[0]["model"];
}
