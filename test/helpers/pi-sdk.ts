import type { FauxResponseStep } from "@mariozechner/pi-ai";
import type { AgentSession, ExtensionUIContext, SessionManager } from "@mariozechner/pi-coding-agent";
import { createSparkExtension } from "../../pi-extensions/spark/index.js";
import type { SparkRole } from "../../pi-extensions/spark/role.js";
import { hostUiContext } from "../../sidecar/host-ui.js";
import { startFauxPiSession } from "./faux-pi-session.mjs";

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
  options: {
    steps?: FauxResponseStep[];
    sessionManager?: SessionManager;
    /** Pi's auto-retry (off by default); the extension is told when Pi retries, as the sidecar host does. */
    retry?: { maxRetries: number; baseDelayMs: number };
  } = {},
): Promise<PiHarness> {
  const n = ++counter;
  let current: AgentSession | undefined;
  const { session, faux, close } = await startFauxPiSession({
    cwd,
    provider: `faux-${role}-${n}`,
    api: `faux-api-${role}-${n}`,
    responses: options.steps ?? [],
    extensionFactories: [createSparkExtension({ role, isRetrying: () => current?.isRetrying ?? false })],
    sessionManager: options.sessionManager,
    retry: options.retry,
  });
  current = session;
  const ui = recordingUi();
  const errors: string[] = [];
  await session.bindExtensions({ uiContext: ui.context, onError: (e) => errors.push(`${e.event}: ${e.error}`) });
  return {
    session,
    ui,
    errors,
    script: (...steps) => faux.appendResponses(steps),
    calls: () => faux.state.callCount,
    shutdown: close,
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
