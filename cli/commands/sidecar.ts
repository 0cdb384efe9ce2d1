import { spawn } from "node:child_process";
import { defineCommand } from "citty";
import { jsonArg } from "../_args.js";
import { CliError, EXIT, usageError } from "../_errors.js";
import { projectRoot } from "../_project.js";
import { ensureTools, SIDECAR_TOOLS } from "../_tools.js";
import { LAYOUT_ENV } from "../up/panes.js";

/** `manifest sidecar [--headless] [--model provider/id] [--web [--port n] [--host h] [--proxy-app]]`. */
export const sidecarCommand = defineCommand({
  meta: {
    name: "sidecar",
    description:
      "Run the background Spark agent: a Pi session that takes the bus's events and works on them (dashboard, or --headless NDJSON)",
  },
  args: {
    headless: { type: "boolean", description: "No screen: NDJSON status lines on stdout (services, cloud VMs)" },
    model: { type: "string", description: "Model as provider/id (default: config sidecar.model, then Pi's default)" },
    replay: {
      type: "boolean",
      description:
        "Replay the example app's scripted fix instead of a model (labelled REPLAY; for the demo). Also SPARK_REPLAY=1",
    },
    web: {
      type: "boolean",
      description:
        "Also serve the bridge: the /starter/* API and event stream (token: SPARK_WEB_TOKEN or .spark/web-token)",
    },
    port: { type: "string", description: "--web: port to listen on (default: config web.port, 8081)" },
    host: { type: "string", description: "--web: address to listen on (default: config web.host, 127.0.0.1)" },
    "proxy-app": {
      type: "boolean",
      description: "--web: proxy everything outside /starter/ to the app's port (a Sprite)",
    },
    ...jsonArg,
  },
  async run({ args }) {
    if (args.model && !/^[^/\s]+\/\S+$/.test(args.model)) {
      throw usageError(`--model "${args.model}" must be provider/id.`, "`pi --list-models` lists them.");
    }
    const web = args.web ? webOptions(args) : undefined;
    if (!args.web && (args.port || args.host || args["proxy-app"])) {
      throw usageError("--port, --host and --proxy-app belong to the bridge.", "Add --web.");
    }
    const headless = Boolean(args.headless || args.json);
    // Pi and blessed are optional tools: checked for first (a missing install is the bigger
    // problem), then loaded only for this command. Pi may be the user's own global one.
    const tools = ensureTools("manifest sidecar", [
      ...(headless ? (["pi"] as const) : SIDECAR_TOOLS),
      ...(web ? (["bridge"] as const) : []),
    ]);
    if (!headless && !process.stdout.isTTY) {
      throw usageError(
        "The dashboard needs a terminal.",
        "Run it in a terminal (or `manifest up`), or add --headless.",
      );
    }
    const { runSidecar, SidecarLockedError, SidecarSetupError, WebTokenError, BridgeListenError } = await import(
      "../../sidecar/main.js"
    );
    try {
      const replay = Boolean(args.replay) || process.env.SPARK_REPLAY === "1";
      const root = projectRoot();
      const inLayout = !headless && process.env[LAYOUT_ENV] === "1";
      const onQuitKey = inLayout ? () => closeLayout(root) : undefined;
      const model = args.model || undefined;
      return await runSidecar({ root, model, headless, replay, onQuitKey, web, piSdk: tools.pi.entry });
    } catch (error) {
      if (error instanceof SidecarSetupError) throw new CliError(error.message, "E_MODEL", undefined, EXIT.usage);
      if (error instanceof SidecarLockedError)
        throw new CliError(error.message, "E_SIDECAR_RUNNING", undefined, EXIT.failure);
      if (error instanceof WebTokenError) throw new CliError(error.message, "E_WEB_TOKEN", error.next, EXIT.usage);
      if (error instanceof BridgeListenError)
        throw new CliError(error.message, "E_WEB_LISTEN", undefined, EXIT.failure);
      throw error;
    }
  },
});

/**
 * q in the dashboard of `manifest up`'s layout closes the whole layout, as `manifest down`
 * would: a sidecar pane left dead would only be in the way. `down` runs on its own (a new
 * session, not this pane's process group), since it ends this pane and the session with it.
 */
function closeLayout(root: string): void {
  const self = [...process.execArgv, process.argv[1] ?? "manifest"];
  const child = spawn(process.execPath, [...self, "down"], { cwd: root, detached: true, stdio: "ignore" });
  child.on("error", () => undefined);
  child.unref();
}

/** The bridge's options from the flags; the config fills in what is not given. */
function webOptions(args: { port?: string; host?: string; "proxy-app"?: boolean }) {
  let port: number | undefined;
  if (args.port !== undefined && args.port !== "") {
    port = Number(args.port);
    if (!/^\d+$/.test(args.port) || port > 65535) {
      throw usageError(`--port must be a port number (0 to 65535), got "${args.port}".`);
    }
  }
  return { port, host: args.host || undefined, proxyApp: Boolean(args["proxy-app"]) };
}
