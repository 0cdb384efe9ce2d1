// A real Pi session through the SDK, kept hermetic: a scripted faux model, auth and settings in
// memory (no retries, no compaction), a throwaway agent folder, and no extensions, skills,
// prompt templates, themes or context files but the extension factories given.
// Plain JavaScript so the test harness, the crash-test host process and the benchmarks share it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerFauxProvider } from "@mariozechner/pi-ai";
import {
  AuthStorage,
  createAgentSession,
  DefaultResourceLoader,
  ModelRegistry,
  SessionManager,
  SettingsManager,
} from "@mariozechner/pi-coding-agent";

/** @type {import("./faux-pi-session.d.mts").startFauxPiSession} */
export async function startFauxPiSession({
  cwd,
  provider,
  api,
  responses = [],
  extensionFactories = [],
  sessionManager,
  retry,
}) {
  const faux = registerFauxProvider({ provider, ...(api ? { api } : {}), models: [{ id: "scripted" }] });
  faux.setResponses(responses);
  const agentDir = mkdtempSync(join(tmpdir(), "spark-pi-agent-"));
  const authStorage = AuthStorage.inMemory();
  authStorage.setRuntimeApiKey(provider, "unused");
  const settingsManager = SettingsManager.inMemory({
    retry: retry ? { enabled: true, ...retry } : { enabled: false },
    compaction: { enabled: false },
  });
  const resourceLoader = new DefaultResourceLoader({
    cwd,
    agentDir,
    settingsManager,
    noExtensions: true,
    noSkills: true,
    noPromptTemplates: true,
    noThemes: true,
    noContextFiles: true,
    extensionFactories,
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
    sessionManager: sessionManager ?? SessionManager.inMemory(cwd),
  });
  if (extensionsResult.errors.length > 0)
    throw new Error(`extension failed to load: ${JSON.stringify(extensionsResult.errors)}`);
  let closed = false;
  return {
    session,
    faux,
    async close() {
      if (closed) return;
      closed = true;
      await session.extensionRunner.emit({ type: "session_shutdown", reason: "quit" });
      session.dispose();
      faux.unregister();
      rmSync(agentDir, { recursive: true, force: true });
    },
  };
}
