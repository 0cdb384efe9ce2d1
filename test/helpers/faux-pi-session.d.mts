import type { FauxProviderRegistration, FauxResponseStep } from "@mariozechner/pi-ai";
import type { AgentSession, ExtensionFactory, SessionManager } from "@mariozechner/pi-coding-agent";

export interface FauxPiSessionOptions {
  cwd: string;
  /** The faux provider's name; faux queues are global per registration, so sessions must not share one. */
  provider: string;
  api?: string;
  /** The scripted model replies, in order. */
  responses?: FauxResponseStep[];
  extensionFactories?: ExtensionFactory[];
  /** Defaults to an in-memory session. */
  sessionManager?: SessionManager;
  /** Pi's auto-retry of failed model calls (default: off). */
  retry?: { maxRetries: number; baseDelayMs: number };
}

export interface FauxPiSession {
  session: AgentSession;
  faux: FauxProviderRegistration;
  /** Ends the session as Pi does on quit (`session_shutdown`, then dispose) and cleans up. Safe to call twice. */
  close(): Promise<void>;
}

export function startFauxPiSession(options: FauxPiSessionOptions): Promise<FauxPiSession>;
