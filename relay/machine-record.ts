/**
 * Presence ⇄ KV entry, pure. Each relay puts one record per heartbeat under
 * `<project>.<machine>` in a bucket whose TTL is the presence TTL, so a machine that stops
 * beating disappears from the hub by itself. Other machines mirror what they read, after
 * checking that the record is what its key says it is.
 */
import type { AgentPresence } from "../bus/presence.js";
import { redactValue } from "../bus/redact.js";
import { MAX_REMOTE_AGENTS, type MachineRecord, parseMachineRecord } from "../bus/remote-presence.js";
import { parsePresenceKey } from "./names.js";

export interface MachineFacts {
  project: string;
  machine: string;
  host: string;
  relay: { id: string; pid: number; startedAt: string };
  /** This machine's live agents (from `agents/`; never the mirrored ones). */
  agents: readonly AgentPresence[];
  pending: number;
  claimed: number;
  now: number;
  extraKeys?: readonly string[];
}

/** The record this machine puts on the hub: its agents redacted, the newest first, bounded. */
export function buildMachineRecord(facts: MachineFacts): MachineRecord {
  const agents = [...facts.agents]
    .sort((a, b) => b.heartbeatAt.localeCompare(a.heartbeatAt))
    .slice(0, MAX_REMOTE_AGENTS)
    .map((agent) => redactValue(agent, { extraKeys: facts.extraKeys ?? [] }) as AgentPresence);
  return {
    v: 1,
    project: facts.project,
    machine: facts.machine,
    host: facts.host,
    heartbeatAt: new Date(facts.now).toISOString(),
    relay: facts.relay,
    agents,
    events: { pending: facts.pending, claimed: facts.claimed },
    sidecar: facts.agents.some((a) => a.role === "sidecar"),
  };
}

/** The bytes of a record, as the KV entry holds them. */
export function encodeMachineRecord(record: MachineRecord): Uint8Array {
  return Buffer.from(JSON.stringify(record));
}

/** What to do with a presence entry read from the hub. */
export type PresenceEntryAction =
  | { kind: "mirror"; record: MachineRecord }
  | { kind: "remove"; machine: string }
  | { kind: "ignore"; why: string };

/**
 * Decides what a presence entry means for this machine: another machine of the project to
 * mirror (or remove, when deleted), or nothing (our own key, another project, a record that
 * is not what its key says).
 */
export function presenceEntryAction(
  entry: { key: string; operation: "PUT" | "DEL" | "PURGE"; value: Uint8Array },
  self: { project: string; machine: string },
): PresenceEntryAction {
  const key = parsePresenceKey(entry.key);
  if (!key) return { kind: "ignore", why: `not a Spark presence key: ${entry.key}` };
  if (key.project !== self.project) return { kind: "ignore", why: "another project" };
  if (key.machine === self.machine) return { kind: "ignore", why: "this machine" };
  if (entry.operation !== "PUT") return { kind: "remove", machine: key.machine };
  const parsed = parseMachineRecord(entry.value);
  if (!parsed.ok) return { kind: "ignore", why: `the record of ${key.machine} is invalid: ${parsed.problem}` };
  if (parsed.record.machine !== key.machine || parsed.record.project !== key.project) {
    return { kind: "ignore", why: `the record under ${entry.key} names another machine or project` };
  }
  return { kind: "mirror", record: parsed.record };
}
