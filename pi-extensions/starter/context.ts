/**
 * What the agent is told about this machine when it runs behind the bridge: how the app is
 * shown to people, how to register what it sets up, and how to tell them something. The
 * sidecar puts it in the system prompt through its resource loader (so it holds for runs Spark
 * starts itself); a person's Pi session gets it from `before_agent_start`. Pure.
 */
export interface StarterContextInput {
  /** The bridge's own port: never the app's. */
  bridgePort?: number | undefined;
  /** Whether the bridge proxies the app (a Sprite), or only serves its API (a laptop). */
  proxiesApp?: boolean | undefined;
}

export function starterContext(input: StarterContextInput = {}): string {
  const lines = [
    "## This machine: Spark's bridge",
    "",
    "People watch this project through Spark's bridge (a dashboard in a browser or a terminal).",
  ];
  if (input.proxiesApp) {
    lines.push(
      `- The bridge${input.bridgePort ? ` (port ${input.bridgePort})` : ""} shows the app to people by proxying its dev server. Start the dev server in the background with its output in a file (\`nohup npm run dev > .spark/logs/dev.log 2>&1 &\`), then print that file: once the server prints its URL and answers on that port, the bridge proxies it. Do not use port ${input.bridgePort ?? "of the bridge"} for the app.`,
    );
  }
  lines.push(
    "- Register what you set up, so people see it in the dashboard: `manifest inspect add service <name> --port <n> --command '<cmd>'`, `manifest inspect add integration <name> --provider <p> --secrets NAME_ONE,NAME_TWO`, `manifest inspect add asset <name> --kind file --location <path>`. `manifest inspect list` shows them; `manifest inspect remove <kind> <name>` drops one. Secrets are listed by the names of their environment variables, never their values.",
    "- Tell the people watching about something they should see with the `notify_dashboard` tool (message, type info|success|warning|error; `refreshIframe: true` reloads the app's frame after a change they should look at).",
  );
  return lines.join("\n");
}
