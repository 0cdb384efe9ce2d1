/**
 * What `manifest relay` and `manifest fleet` share: the hub settings of the project (config,
 * `--hub`, `--machine`, `SPARK_HUB_CREDS`), the tools they need, and the words for a problem.
 * The relay's modules are imported only after `ensureTools` has found the NATS client.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { LoadedConfig } from "../bus/config-load.js";
import { readCredentials } from "../relay/credentials.js";
import { type HubSettings, resolveHubSettings } from "../relay/settings.js";
import { CliError, EXIT } from "./_errors.js";
import { ensureTools } from "./_tools.js";

/** The hub settings of `loaded`'s project, checked (credentials file included), or a CliError. */
export function hubSettings(
  command: string,
  loaded: Pick<LoadedConfig, "root" | "config">,
  flags: { hub?: string | undefined; machine?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): HubSettings {
  const resolved = resolveHubSettings({
    config: loaded.config,
    root: loaded.root,
    packageName: packageName(loaded.root),
    hostname: hostname(),
    flags,
    env,
  });
  if (!resolved.ok) {
    const fromFlag = Boolean(flags.hub);
    throw new CliError(resolved.problem.message, "E_HUB", resolved.problem.next, fromFlag ? EXIT.usage : EXIT.config);
  }
  const { settings } = resolved;
  if (settings.credsFile) {
    const creds = readCredentials(settings.credsFile);
    if (!creds.ok) throw new CliError(creds.problem.message, "E_HUB_CREDS", creds.problem.next, EXIT.failure);
  }
  ensureTools(command, settings.address.transport === "websocket" ? ["relay", "relayWebSocket"] : ["relay"]);
  return settings;
}

/** The `--hub` and `--machine` options. */
export const hubArgs = {
  hub: { type: "string", description: "The hub's URL (default: hub.url in config/spark.ts)" },
} as const;

function packageName(root: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name?: unknown }).name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}
