/**
 * `manifest sidecar`: the background Spark agent. Loaded lazily by the CLI (it pulls in Pi);
 * headless with `--headless`, otherwise the blessed dashboard, loaded only then (a headless
 * sidecar runs where blessed is not installed).
 */
import { consoleToStderr, runHeadless } from "./headless.js";
import { type SidecarOptions, startSidecarHost } from "./host.js";

export { SidecarSetupError } from "./host.js";
export { SidecarLockedError } from "./host-lock.js";

export interface RunSidecarOptions extends SidecarOptions {
  headless: boolean;
  /** Called once the dashboard has shut down because the person pressed q or Ctrl-C (not on a signal). */
  onQuitKey?: () => void;
}

/** Starts the host and its front end; resolves with the exit code once it has shut down. */
export async function runSidecar(options: RunSidecarOptions): Promise<number> {
  if (options.headless) consoleToStderr();
  const host = await startSidecarHost(options);
  if (options.headless) return runHeadless(host);
  const { runDashboard } = await import("./dashboard/index.js");
  return runDashboard(host, { onQuitKey: options.onQuitKey });
}
