import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FauxResponseStep, registerFauxProvider } from "@mariozechner/pi-ai";
import {
  type AgentSession,
  AuthStorage,
  createAgentSession,
  DefaultResourceLoader,
  type ExtensionUIContext,
  ModelRegistry,
  SessionManager,
  SettingsManager,
} from "@mariozechner/pi-coding-agent";
import { createSparkExtension } from "../../pi-extensions/spark/index.js";
import type { SparkRole } from "../../pi-extensions/spark/role.js";
import { hostUiContext } from "../../sidecar/host-ui.js";

/** Every UI call the extension made, as a person would have seen it. */
export interface RecordedUi {
  context: ExtensionUIContext;
  /** The status-bar texts Spark set, in order (undefined = cleared). */
  statuses: Array<string | undefined>;
  notifications: Array<{ text: string; level: string | undefined }>;
  /** The status text shown now. */
  currentStatus(): string | undefined;
}

/** A UI context that records what matters and answers the rest harmlessly (the sidecar's own). */
export function recordingUi(): RecordedUi {
  const statuses: Array<string | undefined> = [];
  const notifications: Array<{ text: string; level: string | undefined }> = [];
  const context = hostUiContext({
    status: (key, text) => {
      if (key === "spark") statuses.push(text);
    },
    notify: (text, level) => notifications.push({ text, level }),
  });
  return { context, statuses, notifications, currentStatus: () => statuses.at(-1) };
}

/** A real Pi session (SDK) with the Spark extension and a scripted faux model. */
export interface PiHarness {
  session: AgentSession;
  ui: RecordedUi;
  /** Queues more scripted model replies. */
  script(...steps: FauxResponseStep[]): void;
  /** How many times the model was called. */
  calls(): number;
  /** Extension errors reported through `bindExtensions({ onError })`. */
  errors: string[];
  /** Ends the session as Pi does on quit: `session_shutdown`, then dispose. */
  shutdown(): Promise<void>;
}

let counter = 0;

/**
 * Starts a session in `cwd` with Spark in the given role. Each harness registers its own
 * faux provider: faux queues are global per registration, so two sessions must not share one.
 */
export async function startPi(
  cwd: string,
  role: SparkRole,
  options: { steps?: FauxResponseStep[]; sessionManager?: SessionManager } = {},
): Promise<PiHarness> {
  const n = ++counter;
  const provider = `faux-${role}-${n}`;
  const faux = registerFauxProvider({ provider, api: `faux-api-${role}-${n}`, models: [{ id: "scripted" }] });
  faux.setResponses(options.steps ?? []);
  const agentDir = mkdtempSync(join(tmpdir(), "spark-pi-agent-"));
  const authStorage = AuthStorage.inMemory();
  authStorage.setRuntimeApiKey(provider, "unused");
  const settingsManager = SettingsManager.inMemory({ retry: { enabled: false }, compaction: { enabled: false } });
  const resourceLoader = new DefaultResourceLoader({
    cwd,
    agentDir,
    settingsManager,
    noExtensions: true,
    noSkills: true,
    noPromptTemplates: true,
    noThemes: true,
    noContextFiles: true,
    extensionFactories: [createSparkExtension({ role })],
  });
  await resourceLoader.reload();
  const { session, extensionsResult } = await createAgentSession({
    cwd,
    agentDir,
    model: faux.getModel(),
    thinkingLevel: "off",
    authStorage,
    modelRegistry: ModelRegistry.inMemory(authStorage),
    settingsManager,
    resourceLoader,
    sessionManager: options.sessionManager ?? SessionManager.inMemory(cwd),
  });
  if (extensionsResult.errors.length > 0)
    throw new Error(`extension failed to load: ${JSON.stringify(extensionsResult.errors)}`);
  const ui = recordingUi();
  const errors: string[] = [];
  await session.bindExtensions({ uiContext: ui.context, onError: (e) => errors.push(`${e.event}: ${e.error}`) });
  let closed = false;
  return {
    session,
    ui,
    errors,
    script: (...steps) => faux.appendResponses(steps),
    calls: () => faux.state.callCount,
    async shutdown() {
      if (closed) return;
      closed = true;
      await session.extensionRunner.emit({ type: "session_shutdown", reason: "quit" });
      session.dispose();
      faux.unregister();
      rmSync(agentDir, { recursive: true, force: true });
    },
  };
}

/** The Spark event messages a session received (custom messages of type spark-events). */
export function sparkMessages(session: AgentSession): Array<{ content: string; ids: string[] }> {
  return session.messages.flatMap((m) => {
    const message = m as { role: string; customType?: string; content?: unknown; details?: { ids?: string[] } };
    if (message.role !== "custom" || message.customType !== "spark-events") return [];
    const content = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
    return [{ content, ids: message.details?.ids ?? [] }];
  });
}
