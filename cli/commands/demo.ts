import { defineCommand } from "citty";
import { CliError } from "../_errors.js";
import { freePort } from "../demo/free-port.js";
import { runHeadlessDemo } from "../demo/headless.js";
import { prepareDemoProject } from "../demo/project.js";
import { story } from "../demo/story.js";

/** `manifest demo [--headless] [--replay]`: Spark's main job, end to end, on the example app. */
export const demoCommand = defineCommand({
  meta: {
    name: "demo",
    description:
      "Watch an error travel from an example app to the bus to the sidecar, where Pi fixes it (fresh temp folder; nothing of yours is touched)",
  },
  args: {
    headless: { type: "boolean", description: "No tmux: run the same story and print it" },
    replay: {
      type: "boolean",
      description: "Without a model: replay a scripted fix (labelled REPLAY on screen; not a live model)",
    },
    timeout: { type: "string", description: "Seconds to wait for the agent's fix (default 300)", default: "300" },
  },
  async run({ args }) {
    const timeoutMs = Number(args.timeout) * 1000;
    if (!(timeoutMs > 0))
      throw new CliError(`--timeout "${args.timeout}" is not a number of seconds.`, "E_USAGE", undefined, 2);
    const print = (line: string) => process.stdout.write(`${line}\n`);
    const port = await freePort();
    print(story.title(args.headless ? "headless" : "headless: no tmux layout yet"));
    const project = prepareDemoProject(port);
    print(story.copied(project.dir));
    print(story.initialised(project.initChanges));
    const code = await runHeadlessDemo({ project, port, replay: Boolean(args.replay), timeoutMs, print });
    print(story.done(project.dir));
    return code;
  },
});
