/**
 * The demo's steps, one function each, so the story reads the same everywhere: the text a
 * person reads and the fields `--json` adds (see cli/schemas-demo.ts). Pure.
 */
import { formatCommand } from "../run/argv.js";
import type { DemoRecord } from "../schemas-demo.js";

/** One step of the story, before it is timed. */
export type StoryStep = Omit<DemoRecord, "at" | "elapsedMs" | "stepMs" | "eventId"> & { eventId?: string | null };

/** The command that works from anywhere for the demo folder: its own bins are installed there. */
export const inDemo = (dir: string, command: string) => `cd ${formatCommand([dir])} && npx manifest-spark ${command}`;

/** The event id in a bus file name (`.spark/events/<id>.json`). */
const idOf = (file: string) => (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/, "");

export const story = {
  title: (mode: string): StoryStep => ({ step: "start", status: "info", mode, text: `⚡ Spark demo (${mode})` }),
  copied: (dir: string): StoryStep => ({
    step: "copied",
    status: "ok",
    dir,
    text: `1. The example app, copied to ${dir}`,
  }),
  initialised: (changes: string[]): StoryStep => ({
    step: "initialised",
    status: "ok",
    changes,
    text: `2. manifest spark init set it up:\n${changes.map((c) => `     · ${c}`).join("\n")}`,
  }),
  appUp: (url: string): StoryStep => ({
    step: "app-up",
    status: "ok",
    url,
    text: `3. The app runs under \`manifest run dev\` on ${url}`,
  }),
  sidecarUp: (model: string | null, replay: boolean): StoryStep => ({
    step: "sidecar-up",
    status: model ? "ok" : "held",
    model,
    replay,
    text: replay
      ? "4. The sidecar runs with a REPLAY model: the fix you will see is scripted, not a live model"
      : model
        ? `4. The sidecar runs with your model ${model}`
        : "4. The sidecar runs, but Pi has no model configured: it will only watch (nothing is lost)",
  }),
  request: (body: string, status: number): StoryStep => ({
    step: "request",
    status: "ok",
    httpStatus: status,
    text: `5. POST /users ${body} → ${status}${status >= 500 ? "   (the bug: create-user assumes every name has a last name)" : ""}`,
  }),
  captured: (file: string): StoryStep => ({
    step: "captured",
    status: "ok",
    file,
    eventId: idOf(file),
    text: `6. The app wrote a server-error event, its password redacted: ${file}`,
  }),
  injected: (eventId: string): StoryStep => ({
    step: "injected",
    status: "ok",
    eventId,
    text: "7. The sidecar claimed it and gave Pi one message with the feature, route, stack and input",
  }),
  agent: (line: string): StoryStep => ({ step: "agent", status: "info", text: `   Pi │ ${line}` }),
  held: (eventId: string, explanation: string[]): StoryStep => ({
    step: "held",
    status: "held",
    eventId,
    text: [
      "7. The sidecar holds the event: no model. It stays pending on disk until one is configured.",
      ...explanation.map((l) => `   ${l}`),
      "   To see the whole story without a model: `manifest demo --replay` (a scripted fix, labelled as such).",
    ].join("\n"),
  }),
  fixed: (status: number): StoryStep => ({
    step: "fixed",
    status: status === 200 ? "ok" : "failed",
    httpStatus: status,
    text:
      status === 200
        ? `8. The same request again → ${status}   ✔ fixed`
        : `8. The same request again → ${status}   ✖ not fixed yet (see the conversation above)`,
  }),
  tmux: (url: string, replay: boolean): StoryStep => ({
    step: "layout",
    status: "info",
    url,
    replay,
    text: [
      "3. Opening the tmux layout: your pi, the sidecar dashboard, the app.",
      `   In a few seconds the demo sends POST ${url}/users {"name":"Ada"}: watch the 500 reach the`,
      "   dashboard's events pane and the sidecar's conversation.",
      replay
        ? "   The sidecar's model is a REPLAY: the fix you will see is scripted, not a live model."
        : "   With no model configured, the sidecar only watches: the dashboard says how to add one.",
      "   Close the demo with q in the dashboard; leave it running with Ctrl+B d.",
    ].join("\n"),
  }),
  /** Something Spark noticed while opening the layout, in its own words (Pi's missing tools). */
  note: (text: string): StoryStep => ({ step: "layout", status: "info", text: `   ⚠ ${text}` }),
  /** The layout is gone (q in the dashboard, or `down`): the demo is over. */
  closed: (dir: string): StoryStep => ({
    step: "done",
    status: "ok",
    dir,
    removed: true,
    text: `The demo is closed and its folder ${dir} removed.`,
  }),
  switched: (dir: string): StoryStep => ({
    step: "layout",
    status: "ok",
    dir,
    text: [
      "Your tmux client switched to the demo session, and the failing request has been sent.",
      "Come back here with Ctrl+B ( and go there again with Ctrl+B ).",
      `Close the demo (you return here): q in its dashboard, or ${inDemo(dir, "down")}`,
    ].join("\n"),
  }),
  openIt: (session: string, dir: string): StoryStep => ({
    step: "layout",
    status: "ok",
    dir,
    text: [
      `The demo session ${session} is running and the failing request has been sent.`,
      `Open it: tmux switch-client -t ${session}. Close it: q in its dashboard, or ${inDemo(dir, "down")}`,
    ].join("\n"),
  }),
  leftTmux: (dir: string): StoryStep => ({
    step: "layout",
    status: "ok",
    dir,
    text: [
      "You left the demo layout; it keeps running.",
      `Back to it: ${inDemo(dir, "up")}`,
      `Close it (and remove its folder): ${inDemo(dir, "down")}`,
    ].join("\n"),
  }),
  done: (dir: string, removed: boolean): StoryStep => ({
    step: "done",
    status: "ok",
    dir,
    removed,
    text: removed
      ? "Done. The demo folder was removed (`manifest demo --keep` keeps it)."
      : `Done. The demo project stays in ${dir} (remove it with rm -rf when you are done).`,
  }),
  failed: (message: string): StoryStep => ({ step: "error", status: "failed", text: `✖ ${message}` }),
};
