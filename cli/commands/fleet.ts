import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { CliError, EXIT } from "../_errors.js";
import { hubArgs, hubSettings } from "../_hub.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** `manifest fleet status [--hub url] [--json]`: every project and machine on the hub. */
const status = defineCommand({
  meta: {
    name: "status",
    description: "Every project and machine on the hub: agents, pending and in-flight events, pause, heartbeat",
  },
  args: { ...hubArgs, ...jsonArg },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const loaded = projectConfig();
    const settings = hubSettings("manifest fleet status", loaded, { hub: args.hub });
    const { connectHub, describeConnectError } = await import("../../relay/connect.js");
    const { readFleet } = await import("../../relay/fleet.js");
    const { fleetLines, fleetReport } = await import("../../relay/fleet-view.js");
    let nc: Awaited<ReturnType<typeof connectHub>>;
    try {
      // One attempt: a status that waits for a hub to come back would look like a hang.
      nc = await connectHub(settings, "spark-fleet-status", { reconnect: false });
    } catch (error) {
      const problem = describeConnectError(error, settings);
      if (problem.fatal) throw new CliError(problem.message, "E_HUB", problem.next, EXIT.failure);
      throw new CliError(
        `Cannot reach the hub at ${settings.address.shown}.`,
        "E_HUB_UNREACHABLE",
        "Check hub.url (or --hub) and that the hub is running, then ask again.",
        EXIT.failure,
      );
    }
    try {
      const facts = await readFleet(nc, settings.address.shown);
      const report = fleetReport(facts, Date.now(), settings.presenceTtlMs);
      out.document(report);
      if (!out.json) for (const line of fleetLines(report)) out.line(line);
      return 0;
    } finally {
      await nc.close().catch(() => undefined);
    }
  },
});

export const fleet = defineCommand({
  meta: { name: "fleet", description: "The machines that share this project's hub" },
  subCommands: { status },
});
