import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { CliError, EXIT } from "../_errors.js";
import { hubArgs, hubSettings } from "../_hub.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

const DETAILS = `Details:
  One relay per machine and project mirrors .spark/ through a NATS JetStream hub:
  out     pending events go to the hub (then to delivered/ here), unless a sidecar runs here
  in      while a sidecar runs here, events of the other machines come in for it
  agents  this machine's agents are shown on the others (.spark/remote/), and theirs here
  pause   \`manifest spark pause\` on any machine pauses them all
  Config  hub: { url, credsFile?, caFile?, project?, machine?, ackWaitSeconds?, retention? } in
          config/spark.ts; SPARK_HUB_CREDS names the credentials file (mode 0600). A hub that is not
          on loopback is reached over TLS only (tls://, wss://; nats:// then requires TLS).
  While the hub cannot be reached the local bus works as ever; the relay keeps trying and
  catches up. \`manifest up\` runs it in a pane when a hub is configured; \`manifest fleet
  status\` shows every machine and project on the hub. It lists the first few events of each
  second and counts the rest in one line; --json prints one record per event.`;

/** `manifest relay [--hub url] [--machine name] [--json]`. */
export const relayCommand = defineCommand({
  meta: withDetails(
    {
      name: "relay",
      description: "Mirror this project's bus through a NATS hub: many machines, one bus (runs until stopped)",
    },
    DETAILS,
  ),
  args: {
    ...hubArgs,
    machine: {
      type: "string",
      description: "This machine's name on the hub (default: hub.machine, then the host name)",
    },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const loaded = projectConfig();
    const settings = hubSettings("manifest relay", loaded, { hub: args.hub, machine: args.machine });
    const { startRelay } = await import("../../relay/relay.js");
    const { relayLine } = await import("../../relay/format.js");
    const { createLinePacer } = await import("../../relay/line-pacer.js");
    // A person reads the lines: a storm is counted per second, not listed (--json lists all).
    const pacer = createLinePacer(relayLine);
    const print = (lines: string[]) => {
      for (const text of lines) out.line(text);
    };
    let countTimer: NodeJS.Timeout | undefined;
    const tellCountsLater = () => {
      if (countTimer || !pacer.waiting()) return;
      countTimer = setInterval(() => {
        print(pacer.flush(Date.now()));
        if (pacer.waiting()) return;
        clearInterval(countTimer);
        countTimer = undefined;
      }, 250);
      countTimer.unref();
    };
    const { HubError } = await import("../../relay/connect.js");
    let relay: Awaited<ReturnType<typeof startRelay>>;
    try {
      relay = startRelay({
        paths: loaded.paths,
        settings,
        pauseStaleMs: loaded.config.pause.staleThresholdMinutes * 60_000,
        report: (record) => {
          out.record(record);
          if (out.json) return;
          print(pacer.push(record, Date.now()));
          tellCountsLater();
        },
      });
    } catch (error) {
      if (error instanceof HubError) throw new CliError(error.message, "E_RELAY_RUNNING", error.next, EXIT.failure);
      throw error;
    }
    const stop = () => void relay.stop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return relay.done;
  },
});
