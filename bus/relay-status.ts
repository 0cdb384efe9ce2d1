import { join } from "node:path";
import * as z from "zod/mini";
import { isPresenceAlive, type LivenessFacts } from "./liveness.js";
import type { BusPaths } from "./paths.js";
import { readJsonRecord, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";

/**
 * `.spark/relay.json`: the heartbeat of this machine's `manifest relay`. The relay is a consumer
 * of the local bus (it claims events to publish them) but not a Pi agent, so it has no presence
 * file; this file is what keeps its claims from being released while it lives, and what
 * `status` shows of the link to the hub.
 */
const relayStatusSchema = z.looseObject({
  v: z.literal(1),
  /** Its consumer id: its claims live in `claimed/<id>/`. */
  id: z.string(),
  pid: z.number(),
  host: z.string(),
  machine: z.string(),
  project: z.string(),
  /** The hub's URL, without credentials. */
  hub: z.string(),
  startedAt: z.iso.datetime({ offset: true }),
  heartbeatAt: z.iso.datetime({ offset: true }),
  connected: z.boolean(),
  /** Since when `connected` has had its value. */
  since: z.iso.datetime({ offset: true }),
  /** Why it is not connected, in a user's words. */
  problem: z.optional(z.string()),
  /** Whether it takes events from the hub for this machine's sidecar right now. */
  inbound: z.boolean(),
});

/** The body of `.spark/relay.json`. */
export type RelayStatus = z.output<typeof relayStatusSchema>;

/** Where the relay's heartbeat lives. */
export function relayStatusFile(paths: BusPaths): string {
  return join(paths.spark, "relay.json");
}

/** Writes the relay's heartbeat atomically. */
export function writeRelayStatus(paths: BusPaths, status: RelayStatus): void {
  writeFileAtomic(relayStatusFile(paths), `${JSON.stringify(status, null, 2)}\n`);
}

/** The relay's heartbeat, if the file exists and is valid. */
export function readRelayStatus(paths: BusPaths): RelayStatus | undefined {
  return readJsonRecord(relayStatusFile(paths), relayStatusSchema);
}

/** Removes the heartbeat, but only the one `id` wrote (a newer relay's stays). */
export function removeRelayStatus(paths: BusPaths, id: string): boolean {
  return readRelayStatus(paths)?.id === id && unlinkIfExists(relayStatusFile(paths));
}

/** The relay is alive by the presence rules: a fresh heartbeat and, on this host, its pid. */
export function isRelayAlive(status: RelayStatus, facts: LivenessFacts): boolean {
  return isPresenceAlive(status, facts);
}

/** Whether `consumerId` is a relay that is alive now (its claims must stay where they are). */
export function relayHoldsClaims(paths: BusPaths, consumerId: string, facts: LivenessFacts): boolean {
  const status = readRelayStatus(paths);
  return status !== undefined && status.id === consumerId && isRelayAlive(status, facts);
}
