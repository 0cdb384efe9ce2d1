/** The lines the demo prints, one function per step, so the story reads the same everywhere. Pure. */

export const story = {
  title: (mode: string) => `⚡ Spark demo (${mode})`,
  copied: (dir: string) => `1. The example app, copied to ${dir}`,
  initialised: (changes: string[]) =>
    `2. manifest spark init set it up:\n${changes.map((c) => `     · ${c}`).join("\n")}`,
  appUp: (url: string) => `3. The app runs under \`manifest run dev\` on ${url}`,
  sidecarUp: (model: string | null, replay: boolean) =>
    replay
      ? "4. The sidecar runs with a REPLAY model: the fix you will see is scripted, not a live model"
      : model
        ? `4. The sidecar runs with your model ${model}`
        : "4. The sidecar runs, but Pi has no model configured: it will only watch (nothing is lost)",
  request: (body: string, status: number) =>
    `5. POST /users ${body} → ${status}${status >= 500 ? "   (the bug: create-user assumes every name has a last name)" : ""}`,
  captured: (file: string) => `6. The app wrote a server-error event, its password redacted: ${file}`,
  injected: () => "7. The sidecar claimed it and gave Pi one message with the feature, route, stack and input",
  agent: (line: string) => `   Pi │ ${line}`,
  held: (explanation: string[]) =>
    [
      "7. The sidecar holds the event: no model. It stays pending on disk until one is configured.",
      ...explanation.map((l) => `   ${l}`),
      "   To see the whole story without a model: `manifest demo --replay` (a scripted fix, labelled as such).",
    ].join("\n"),
  fixed: (status: number) =>
    status === 200
      ? `8. The same request again → ${status}   ✔ fixed`
      : `8. The same request again → ${status}   ✖ not fixed yet (see the conversation above)`,
  tmux: (url: string, replay: boolean) =>
    [
      "3. Opening the tmux layout: your pi (left), the sidecar dashboard (top right), the app (bottom right).",
      `   In a few seconds the demo sends POST ${url}/users {"name":"Ada"}: watch the 500 reach the`,
      "   dashboard's events pane and the sidecar's conversation.",
      replay
        ? "   The sidecar's model is a REPLAY: the fix you will see is scripted, not a live model."
        : "   With no model configured, the sidecar only watches: the dashboard says how to add one.",
      "   Leave with Ctrl+B d (the session keeps running) or q in the dashboard.",
    ].join("\n"),
  switched: (dir: string) =>
    [
      "Your tmux client switched to the demo session, and the failing request has been sent.",
      `Switch back with Ctrl+B ( or s; close the demo with: cd ${dir} && manifest down`,
    ].join("\n"),
  openIt: (session: string, dir: string) =>
    [
      `The demo session ${session} is running and the failing request has been sent.`,
      `Open it: tmux switch-client -t ${session} (or tmux attach -t ${session}); close it: cd ${dir} && manifest down`,
    ].join("\n"),
  leftTmux: (dir: string) =>
    [
      `You left the demo layout; it keeps running. Back to it: cd ${dir} && manifest up`,
      `Close it: cd ${dir} && manifest down`,
    ].join("\n"),
  done: (dir: string) => `Done. The demo project stays in ${dir} (remove it with rm -rf when you are done).`,
};
