/**
 * Which model the sidecar would get, without starting it: `manifest doctor`'s model check.
 * The same resolution as the host (config `sidecar.model`, else Pi's own default from its
 * settings, auth and models.json), in an in-memory session with nothing loaded. Loaded lazily
 * by the CLI: it pulls in Pi.
 */
import {
  createAgentSessionFromServices,
  createAgentSessionServices,
  getAgentDir,
  SessionManager,
} from "@mariozechner/pi-coding-agent";
import { hasUsableModel } from "../pi-extensions/spark/model-check.js";

/** What the probe found. */
export type ModelProbe =
  | { state: "ok"; model: string; source: "config" | "pi-default"; agentDir: string }
  | { state: "none"; reason: string; agentDir: string }
  | { state: "unknown"; wanted: string; agentDir: string };

export async function probeSidecarModel(root: string, wanted: string | undefined): Promise<ModelProbe> {
  const agentDir = getAgentDir();
  const services = await createAgentSessionServices({
    cwd: root,
    agentDir,
    resourceLoaderOptions: {
      noExtensions: true,
      noSkills: true,
      noPromptTemplates: true,
      noThemes: true,
      noContextFiles: true,
    },
  });
  let model: Parameters<typeof createAgentSessionFromServices>[0]["model"];
  if (wanted) {
    const slash = wanted.indexOf("/");
    model = slash > 0 ? services.modelRegistry.find(wanted.slice(0, slash), wanted.slice(slash + 1)) : undefined;
    if (!model) return { state: "unknown", wanted, agentDir };
  }
  const { session, modelFallbackMessage } = await createAgentSessionFromServices({
    services,
    sessionManager: SessionManager.inMemory(root),
    model,
  });
  try {
    const usable = session.model && hasUsableModel(session.model, session.modelRegistry);
    if (usable && session.model) {
      return {
        state: "ok",
        model: `${session.model.provider}/${session.model.id}`,
        source: wanted ? "config" : "pi-default",
        agentDir,
      };
    }
    const reason = wanted
      ? `${wanted} (config sidecar.model) has no credentials: Pi cannot call it`
      : !modelFallbackMessage || /no models available/i.test(modelFallbackMessage)
        ? "Pi has no model it can use (no provider is logged in or configured)"
        : (modelFallbackMessage.split("\n")[0] ?? modelFallbackMessage);
    return { state: "none", reason, agentDir };
  } finally {
    session.dispose();
  }
}
