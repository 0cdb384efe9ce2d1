import { spawnSync } from "node:child_process";
import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { CliError, EXIT } from "../_errors.js";
import { ensureTools, SIDECAR_TOOLS } from "../_tools.js";
import { freePort } from "../demo/free-port.js";
import { runHeadlessDemo } from "../demo/headless.js";
import { runInteractiveDemo } from "../demo/interactive.js";
import { piCommandOf, prepareDemoProject } from "../demo/project.js";
import { story } from "../demo/story.js";

/** `manifest demo [--headless] [--replay]`: Spark's main job, end to end, on the example app. */
export const demoCommand = defineCommand({
  meta: {
    name: "demo",
    description:
      "Watch an error travel from an example app to the bus to the sidecar, where Pi fixes it (fresh temp folder; nothing of yours is touched)",
  },
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
  },
  async run({ args }) {
    const timeoutMs = Number(args.timeout) * 1000;
    if (!(timeoutMs > 0)) {
      throw new CliError(`--timeout "${args.timeout}" is not a number of seconds.`, "E_USAGE", undefined, EXIT.usage);
    }
    const print = (line: string) =>
      process.stdout.write(args.json ? `${JSON.stringify({ step: line })}\n` : `${line}\n`);
    const why = args.headless || args.json ? undefined : whyNotTmux();
    const headless = Boolean(args.headless || args.json) || why !== undefined;
    // The sidecar (and in tmux your pi and the dashboard) need Pi and blessed: say so up front.
    const tools = ensureTools("manifest demo", headless ? (["pi"] as const) : SIDECAR_TOOLS);
    print(story.title(headless ? `headless${why ? `: ${why}` : ""}` : "tmux"));
    const port = await freePort();
    const project = prepareDemoProject(port, headless ? {} : { human: piCommandOf(tools.pi.entry) });
    print(story.copied(project.dir));
    print(story.initialised(project.initChanges));
    if (headless) {
      const code = await runHeadlessDemo({ project, port, replay: Boolean(args.replay), timeoutMs, print });
      print(story.done(project.dir));
      return code;
    }
    return runInteractiveDemo({ project, port, replay: Boolean(args.replay), print });
  },
});

/** Why the tmux layout cannot be used here, if it cannot. */
function whyNotTmux(): string | undefined {
  if (!isatty(0) || !isatty(1)) return "no terminal";
  if (spawnSync("tmux", ["-V"], { stdio: "ignore" }).status !== 0) return "tmux is not installed";
  return undefined;
}
