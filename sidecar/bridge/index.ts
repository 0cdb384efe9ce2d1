/**
 * `manifest sidecar --web`: the bridge on the sidecar's host. Opens its port before Pi loads
 * (a port in use, or a missing token, fails at once), adds the starter extension and its
 * context to the session, then serves the API, the event stream and (with `--proxy-app`) the
 * app. README.md in this folder describes the API.
 */
import { loadConfig } from "../../bus/config-load.js";
import { starterContext } from "../../pi-extensions/starter/context.js";
import { createStarterExtension } from "../../pi-extensions/starter/index.js";
import { ndjsonLine } from "../headless.js";
import type { SessionExtras, SidecarHost } from "../host.js";
import { type Bridge, type BridgePort, openBridgePort, startBridge } from "./server.js";
import { resolveWebToken, type WebToken } from "./token.js";

export { BridgeListenError, WebTokenError } from "./errors.js";

declare const __SPARK_VERSION__: string | undefined;
/** The version of the bus protocol (design/bus-protocol.md) this bridge speaks. */
export const BUS_PROTOCOL_VERSION = 1;

export interface WebOptions {
  /** Default: config `web.port` (8081). */
  port?: number | undefined;
  /** Default: config `web.host` (127.0.0.1). */
  host?: string | undefined;
  proxyApp: boolean;
}

/** A bridge whose port is open and whose token is known, ready to start on a host. */
export interface PreparedWeb {
  port: BridgePort;
  token: WebToken;
  proxyApp: boolean;
  appPort: number | undefined;
  /** What the sidecar's session gets: the starter extension and its context. */
  extras: SessionExtras;
}

/** Resolves the token (or refuses), opens the port, and prints a generated token once. */
export async function prepareWeb(root: string, options: WebOptions): Promise<PreparedWeb> {
  const { paths, config } = loadConfig(root);
  const host = options.host ?? config.web.host;
  const token = resolveWebToken(process.env, host, paths);
  const port = await openBridgePort(options.port ?? config.web.port, host);
  if (token.source === "generated") {
    // Shown once, on stderr (stdout may be NDJSON for machines); the file keeps it.
    process.stderr.write(
      `manifest sidecar: the bridge's token (also in ${token.file}, shown only this once):\n  ${token.token}\n`,
    );
  }
  const context = { bridgePort: port.port, proxiesApp: options.proxyApp };
  return {
    port,
    token,
    proxyApp: options.proxyApp,
    appPort: config.web.appPort,
    extras: {
      extensionFactories: [createStarterExtension({ ...context, contextInPrompt: false })],
      appendSystemPrompt: starterContext(context),
    },
  };
}

/** Starts the bridge on a running host and says where it is (NDJSON line, or a dashboard notice). */
export function startWeb(host: SidecarHost, web: PreparedWeb, headless: boolean): Bridge {
  const bridge = startBridge(web.port, {
    host,
    token: web.token.token,
    proxyApp: web.proxyApp,
    appPort: web.appPort,
    versions: {
      bridge: typeof __SPARK_VERSION__ === "string" ? __SPARK_VERSION__ : "dev",
      // The Pi the host loaded (the project's own, 0.73 or 1.x, or the user's global one).
      pi: host.pi.version,
      busProtocol: BUS_PROTOCOL_VERSION,
    },
    onError: (error) => host.agent.notice("warning", `bridge: ${(error as Error)?.message ?? String(error)}`),
  });
  const where = web.token.source === "env" ? "SPARK_WEB_TOKEN" : (web.token.file ?? ".spark/web-token");
  if (headless) {
    process.stdout.write(
      ndjsonLine({
        type: "web",
        url: bridge.url,
        proxyApp: web.proxyApp,
        token: where,
        boot: bridge.hub.ring.bootTag,
      }) ?? "",
    );
  } else {
    host.agent.notice("info", `web: ${bridge.url}/starter/ (token: ${where})`);
  }
  return bridge;
}
