import { spawnSync } from "node:child_process";
import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { withDetails } from "../_args.js";
import { CliError, EXIT } from "../_errors.js";
import { ensureTools, SIDECAR_TOOLS } from "../_tools.js";
import { freePort } from "../demo/free-port.js";
import { runHeadlessDemo } from "../demo/headless.js";
import { runInteractiveDemo } from "../demo/interactive.js";
import { storyPrinter } from "../demo/print.js";
import { prepareDemoProject, removeDemoFolder } from "../demo/project.js";
import { story } from "../demo/story.js";

const DETAILS = `Details:
  Folder   a fresh copy of examples/hello-app in the temp folder, with this Spark linked in
           and \`manifest\`, \`manifest-spark\` and \`pi\` in its node_modules/.bin (so
           \`npx manifest-spark down\` works there). Closing the demo removes it.
  tmux     your pi, the sidecar dashboard and the app. q in the dashboard closes it all;
           Ctrl+B d leaves it running and prints how to come back and how to close it.
  JSON     --json prints one record per step (NDJSON, headless): step, status, the event's
           id, the time since the start and since the step before (cli/schemas-demo.ts).`;

/** `manifest demo [--headless] [--replay] [--json] [--keep]`: Spark's main job, end to end, on the example app. */
export const demoCommand = defineCommand({
  meta: withDetails(
    {
      name: "demo",
      description:
        "Watch an error travel from an example app to the bus to the sidecar, where Pi fixes it (fresh temp folder; nothing of yours is touched)",
    },
    DETAILS,
  ),
  args: {
    headless: {
      type: "boolean",
      description: "No tmux: run the same story and print it (also used without a terminal or tmux)",
    },
    replay: {
      type: "boolean",
      description: "Without a model: replay a scripted fix (labelled REPLAY on screen; not a live model)",
    },
    timeout: {
      type: "string",
      description: "Seconds to wait for the agent's fix (headless; default 300)",
      default: "300",
    },
    keep: { type: "boolean", description: "Keep the demo's folder when the headless story ends (to look at it)" },
    json: { type: "boolean", description: "One JSON record per step (NDJSON) instead of text; runs headless" },
  },
  async run({ args }) {
    const timeoutMs = Number(args.timeout) * 1000;
    if (!(timeoutMs > 0)) {
      throw new CliError(`--timeout "${args.timeout}" is not a number of seconds.`, "E_USAGE", undefined, EXIT.usage);
    }
    const print = storyPrinter(Boolean(args.json));
    const why = args.headless || args.json ? undefined : whyNotTmux();
    const headless = Boolean(args.headless || args.json) || why !== undefined;
    // The sidecar (and in tmux your pi and the dashboard) need Pi and blessed: say so up front.
    const tools = ensureTools("manifest demo", headless ? (["pi"] as const) : SIDECAR_TOOLS);
    print(story.title(headless ? `headless${why ? `: ${why}` : ""}` : "tmux"));
    const port = await freePort();
    const project = prepareDemoProject(port, tools.pi.entry);
    print(story.copied(project.dir));
    print(story.initialised(project.initChanges));
    if (!headless) return runInteractiveDemo({ project, port, replay: Boolean(args.replay), print });
    let code: number;
    try {
      code = await runHeadlessDemo({ project, port, replay: Boolean(args.replay), timeoutMs, print });
    } catch (error) {
      // In JSON mode the failure is one more record, so the stream stays NDJSON.
      if (!args.json) throw error;
      print(story.failed((error as Error).message));
      code = EXIT.failure;
    }
    print(story.done(project.dir, !args.keep && removeDemoFolder(project.dir)));
    return code;
  },
});

/** Why the tmux layout cannot be used here, if it cannot. */
function whyNotTmux(): string | undefined {
  if (!isatty(0) || !isatty(1)) return "no terminal";
  if (spawnSync("tmux", ["-V"], { stdio: "ignore" }).status !== 0) return "tmux is not installed";
  return undefined;
}
