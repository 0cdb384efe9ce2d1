/** Why the sidecar runs without a model, and exactly how to give it one. */
export interface WatchOnly {
  reason: string;
  howTo: string[];
}

/** The explanation shown when no model is configured (pure). */
export function watchOnlyInfo(fallbackMessage: string | undefined, agentDir: string): WatchOnly {
  return {
    reason:
      !fallbackMessage || /no models available/i.test(fallbackMessage)
        ? "Pi has no model it can use (no provider is logged in or configured)"
        : (fallbackMessage.split("\n")[0] ?? fallbackMessage),
    howTo: [
      "Events stay pending on disk: nothing is lost while the sidecar only watches.",
      "Give Pi a model, then restart the sidecar:",
      "  • run `pi` and log in with `/login`, or export an API key (ANTHROPIC_API_KEY, OPENAI_API_KEY, …)",
      `  • or add a provider to ${agentDir}/models.json`,
      "  • then `manifest sidecar --model <provider>/<model>` (`pi --list-models` lists them)",
    ],
  };
}
