/**
 * The starter extension: what an agent needs when people watch it through Spark's bridge.
 * It finds the app's port in what the agent's dev server prints (confirmed by a connect probe
 * before the proxy switches), gives the agent a `notify_dashboard` tool, and tells it about
 * this machine. Thin wiring: the logic lives in the modules beside this file.
 */
import type { ExtensionAPI, ExtensionContext, ExtensionFactory } from "@mariozechner/pi-coding-agent";
import { readAppPort, writeAppPort } from "../../bus/app-port.js";
import { findProjectRoot, loadConfig } from "../../bus/config-load.js";
import { type StarterContextInput, starterContext } from "./context.js";
import { notifyTool } from "./notify.js";
import { detectAppPorts } from "./port-detect.js";
import { waitUntilAnswers } from "./probe.js";

export interface StarterExtensionOptions extends StarterContextInput {
  /**
   * Add the context to the system prompt in `before_agent_start` (default true). The sidecar
   * passes false and gives the same text to its resource loader instead, because runs that
   * Spark starts itself never fire `before_agent_start`.
   */
  contextInPrompt?: boolean;
  /** Called when a detected port is confirmed and recorded. */
  onAppPort?: (port: number) => void;
}

export function createStarterExtension(options: StarterExtensionOptions = {}): ExtensionFactory {
  return (pi: ExtensionAPI) => {
    // Probes outlive no session: a replaced or ended session stops its own.
    let probes = new AbortController();
    const probing = new Set<number>();

    pi.registerTool(notifyTool());

    pi.on("session_shutdown", () => {
      probes.abort();
      probes = new AbortController();
    });

    pi.on("tool_result", (event, ctx) => {
      if (event.toolName !== "bash") return;
      const text = event.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
      const hint = detectAppPorts(text)
        .filter((h) => h.port !== options.bridgePort)
        .at(-1);
      if (!hint || probing.has(hint.port)) return;
      // Never awaited: the agent goes on while the probe waits for the server to answer.
      probing.add(hint.port);
      void confirmPort(ctx, hint.port, hint.line, probes.signal, options).finally(() => probing.delete(hint.port));
    });

    if (options.contextInPrompt !== false) {
      const context = starterContext(options);
      pi.on("before_agent_start", (event) => ({ systemPrompt: `${event.systemPrompt}\n\n${context}` }));
    }
  };
}

/** Records the port once something answers on it, unless a person chose another one. */
async function confirmPort(
  ctx: ExtensionContext,
  port: number,
  line: string,
  signal: AbortSignal,
  options: StarterExtensionOptions,
): Promise<void> {
  try {
    const { paths } = loadConfig(findProjectRoot(ctx.cwd));
    if (readAppPort(paths)?.port === port) return;
    if (!(await waitUntilAnswers(port, { signal }))) return;
    if (writeAppPort(paths, { port, source: "detected", by: "starter extension", hint: line })) {
      options.onAppPort?.(port);
    }
  } catch {
    // Detection is a convenience: a config that does not load or a disk error must not
    // disturb the agent's run (the person can still set the port).
  }
}

export default createStarterExtension();
