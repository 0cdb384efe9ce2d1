import type { ExtensionUIContext } from "@mariozechner/pi-coding-agent";

/** What the Spark extension shows, forwarded to whoever draws the sidecar (dashboard, NDJSON). */
export interface HostUiSink {
  status(key: string, text: string | undefined): void;
  notify(text: string, level: "info" | "warning" | "error"): void;
}

/**
 * A UI context for extensions in a host with no Pi TUI: status and notifications go to the
 * sink, dialogs answer "no" at once (the sidecar never blocks on a question), everything
 * else is a no-op.
 */
export function hostUiContext(sink: HostUiSink): ExtensionUIContext {
  const known: Partial<ExtensionUIContext> = {
    setStatus: (key, text) => sink.status(key, text),
    notify: (text, level) => sink.notify(text, level ?? "info"),
    select: async () => undefined,
    confirm: async () => false,
    input: async () => undefined,
    editor: async () => undefined,
    getEditorText: () => "",
    onTerminalInput: () => () => {},
    custom: async () => undefined as never,
  };
  return new Proxy(known, {
    get: (target, name) => (name in target ? target[name as keyof ExtensionUIContext] : () => undefined),
  }) as ExtensionUIContext;
}
