import type { SidecarHost } from "../host.js";

/** The blessed dashboard (see sidecar/dashboard/README). Resolves with the exit code on quit. */
export async function runDashboard(host: SidecarHost): Promise<number> {
  await host.shutdown();
  throw new Error("the dashboard is not built yet: use --headless");
}
