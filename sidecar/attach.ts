import { createBridgeApi } from "./bridge-client/api.js";
import { connectBridgeSource } from "./dashboard/bridge-source.js";
import { runDashboard } from "./dashboard/index.js";

/**
 * `manifest attach <url>`: the terminal dashboard over a remote bridge. The bridge is asked
 * for its state before the screen opens, so a wrong URL or token is a plain error message.
 * Leaving (`q`) only closes the connection: the remote sidecar keeps running.
 */
export async function runAttach(options: { url: string; token: string }): Promise<number> {
  const source = await connectBridgeSource(createBridgeApi(options.url, options.token));
  return runDashboard(source);
}

export { BridgeApiError } from "./bridge-client/api.js";
