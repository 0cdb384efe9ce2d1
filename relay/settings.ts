/**
 * Everything the relay needs to know about the hub, resolved once from the config, the command
 * line and the environment. Pure: the caller reads package.json and the host name.
 */
import { isAbsolute, join } from "node:path";
import type { HubConfig, SparkConfig } from "../bus/config-schema.js";
import { type HubAddress, type HubUrlProblem, parseHubUrl } from "./hub-url.js";
import { toHubName } from "./names.js";

export interface HubSettings {
  address: HubAddress;
  /** Absolute path of the credentials file, if any. */
  credsFile: string | undefined;
  /** Absolute path of a CA certificate for the hub's TLS, if any. */
  caFile: string | undefined;
  project: string;
  machine: string;
  ackWaitMs: number;
  duplicateWindowMs: number;
  retention: { maxEvents: number; maxAgeMs: number; maxBytes: number };
  heartbeatMs: number;
  /** The presence bucket's TTL: a machine silent this long vanishes from the hub. */
  presenceTtlMs: number;
  extraKeys: readonly string[];
}

export interface SettingsInput {
  config: Pick<SparkConfig, "hub" | "presence" | "redact">;
  root: string;
  /** The `name` of the project's package.json, if it has one. */
  packageName: string | undefined;
  hostname: string;
  /** `--hub`, `--machine`. */
  flags: { hub?: string | undefined; machine?: string | undefined };
  env: NodeJS.ProcessEnv;
}

const HUB_DEFAULTS: Omit<HubConfig, "url"> = {
  ackWaitSeconds: 30,
  duplicateWindowMinutes: 10,
  retention: { maxEvents: 100_000, maxAgeDays: 7, maxMegabytes: 256 },
};

/** The hub settings, or what is wrong and what to do. */
export function resolveHubSettings(
  input: SettingsInput,
): { ok: true; settings: HubSettings } | { ok: false; problem: HubUrlProblem } {
  const hub = input.config.hub;
  const raw = input.flags.hub?.trim() || hub?.url;
  if (!raw) {
    return {
      ok: false,
      problem: {
        message: "No hub is configured for this project.",
        next: 'Add hub: { url: "tls://your-hub:4222", credsFile: "…" } to config/spark.ts, or pass --hub <url>.',
      },
    };
  }
  const parsed = parseHubUrl(raw);
  if (!parsed.ok) return parsed;
  const knobs = { ...HUB_DEFAULTS, ...hub };
  const project = hub?.project ?? toHubName(input.packageName ?? "") ?? toHubName(lastSegment(input.root));
  const machine = input.flags.machine?.trim() || hub?.machine || toHubName(input.hostname.split(".")[0] ?? "");
  if (!project || !machine || !toHubName(machine) || toHubName(machine) !== machine) {
    return {
      ok: false,
      problem: {
        message: `This ${project ? "machine" : "project"}'s name does not make a hub name.`,
        next: `Set hub.${project ? "machine" : "project"} in config/spark.ts (letters, digits, _ and -)${project ? ", or pass --machine" : ""}.`,
      },
    };
  }
  const credsFile = input.env.SPARK_HUB_CREDS?.trim() || hub?.credsFile;
  return {
    ok: true,
    settings: {
      address: parsed.address,
      credsFile: credsFile ? fromRoot(input.root, credsFile) : undefined,
      caFile: hub?.caFile ? fromRoot(input.root, hub.caFile) : undefined,
      project,
      machine,
      ackWaitMs: knobs.ackWaitSeconds * 1000,
      duplicateWindowMs: knobs.duplicateWindowMinutes * 60_000,
      retention: {
        maxEvents: knobs.retention.maxEvents,
        maxAgeMs: knobs.retention.maxAgeDays * 24 * 3_600_000,
        maxBytes: knobs.retention.maxMegabytes * 1024 * 1024,
      },
      heartbeatMs: input.config.presence.heartbeatMs,
      presenceTtlMs: input.config.presence.ttlMs,
      extraKeys: input.config.redact.keys,
    },
  };
}

function fromRoot(root: string, path: string): string {
  return isAbsolute(path) ? path : join(root, path);
}

function lastSegment(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? "";
}
