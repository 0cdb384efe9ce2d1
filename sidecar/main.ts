/**
 * `manifest sidecar`: the background Spark agent. Loaded lazily by the CLI (it pulls in Pi);
 * headless with `--headless`, otherwise the blessed dashboard, loaded only then (a headless
 * sidecar runs where blessed is not installed).
 */
import type { WebOptions } from "./bridge/index.js";
import { consoleToStderr, runHeadless } from "./headless.js";
import { type SidecarOptions, startSidecarHost } from "./host.js";
import { keepSpriteAwake } from "./keep-awake.js";

export { BridgeListenError, WebTokenError } from "./bridge/errors.js";
export { SidecarSetupError } from "./host.js";
export { SidecarLockedError } from "./host-lock.js";

export interface RunSidecarOptions extends SidecarOptions {
  headless: boolean;
  /** Called once the dashboard has shut down because the person pressed q or Ctrl-C (not on a signal). */
  onQuitKey?: () => void;
  /** Serve the bridge too (`--web`). */
  web?: WebOptions | undefined;
}

/** Starts the host and its front end; resolves with the exit code once it has shut down. */
export async function runSidecar(options: RunSidecarOptions): Promise<number> {
  if (options.headless) consoleToStderr();
  // The bridge (hono, the proxy) is an optional tool too: loaded only with --web.
  const bridgeModule = options.web ? await import("./bridge/index.js") : undefined;
  const web = options.web && bridgeModule ? await bridgeModule.prepareWeb(options.root, options.web) : undefined;
  let host: Awaited<ReturnType<typeof startSidecarHost>>;
  try {
    host = await startSidecarHost({ ...options, extras: web?.extras });
  } catch (error) {
    await web?.port.close();
    throw error;
  }
  // The front end subscribes first: it gets what the host kept from its start-up.
  const dashboard = options.headless ? undefined : await import("./dashboard/index.js");
  const frontEnd = dashboard
    ? dashboard.runDashboard(dashboard.localSource(host), { onQuitKey: options.onQuitKey })
    : runHeadless(host);
  const bridge = web && bridgeModule ? bridgeModule.startWeb(host, web, options.headless) : undefined;
  // In a Sprite, a run must not be cut by the Sprite going to sleep (no-op elsewhere).
  const awake = keepSpriteAwake(host);
  const code = await frontEnd;
  await bridge?.close();
  // After the host has shut down: nothing runs any more, the Sprite may sleep.
  await awake.stop();
  return code;
}
