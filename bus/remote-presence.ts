import { join } from "node:path";
import * as z from "zod/mini";
import type { BusPaths } from "./paths.js";
import { type AgentPresence, presenceSchema } from "./presence.js";
import { readEntries } from "./queue.js";
import { ensurePrivateDir, readRegularFile, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";
import { describeIssues } from "./zod-issues.js";

/** At most this many agents per machine travel through the hub (a record stays small). */
export const MAX_REMOTE_AGENTS = 50;
/** A machine record larger than this is refused, from the hub and on disk. */
export const MACHINE_RECORD_MAX_BYTES = 128 * 1024;

/**
 * What one machine's relay says about it, every heartbeat: its live agents, what waits in its
 * bus, whether a sidecar there takes events from the hub. The relay puts it in the hub's
 * presence bucket; the other machines' relays mirror it into `.spark/remote/<machine>.json`.
 */
export const machineRecordSchema = z.looseObject({
  v: z.literal(1),
  project: z.string(),
  machine: z.string(),
  host: z.string(),
  heartbeatAt: z.iso.datetime({ offset: true }),
  relay: z.looseObject({ id: z.string(), pid: z.number(), startedAt: z.iso.datetime({ offset: true }) }),
  agents: z.array(presenceSchema).check(z.maxLength(MAX_REMOTE_AGENTS)),
  events: z.looseObject({ pending: z.number(), claimed: z.number() }),
  /** A live sidecar on that machine takes events from the hub. */
  sidecar: z.boolean(),
});

/** One machine, as its relay describes it. */
export type MachineRecord = z.output<typeof machineRecordSchema>;

/** An agent on another machine, as this machine's views show it: read-only. */
export interface RemoteAgent extends AgentPresence {
  /** The machine it runs on (its relay's name on the hub). */
  machine: string;
  alive: boolean;
}

/** Validates a machine record from bytes (the hub, or a mirror file). */
export function parseMachineRecord(
  bytes: Uint8Array,
): { ok: true; record: MachineRecord } | { ok: false; problem: string } {
  if (bytes.byteLength > MACHINE_RECORD_MAX_BYTES)
    return { ok: false, problem: `over ${MACHINE_RECORD_MAX_BYTES} bytes` };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return { ok: false, problem: "not valid JSON" };
  }
  const parsed = machineRecordSchema.safeParse(body);
  return parsed.success ? { ok: true, record: parsed.data } : { ok: false, problem: describeIssues(parsed.error) };
}

/**
 * A remote agent is alive while both its own heartbeat and its machine's relay heartbeat are
 * younger than the TTL. Nothing else is asked: a pid on another machine means nothing here,
 * even when the host names happen to match. Pure.
 */
export function isRemoteAgentAlive(record: MachineRecord, agent: AgentPresence, now: number, ttlMs: number): boolean {
  const fresh = (iso: string) => {
    const at = Date.parse(iso);
    return !Number.isNaN(at) && now - at <= ttlMs;
  };
  return fresh(record.heartbeatAt) && fresh(agent.heartbeatAt);
}

/** The agents of other machines, as views read them. Pure. */
export function remoteAgents(records: readonly MachineRecord[], now: number, ttlMs: number): RemoteAgent[] {
  return records.flatMap((record) =>
    record.agents.map((agent) => ({
      ...agent,
      machine: record.machine,
      alive: isRemoteAgentAlive(record, agent, now, ttlMs),
    })),
  );
}

/** `.spark/remote/`: one file per other machine, written by the relay only. */
export function remoteDir(paths: BusPaths): string {
  return join(paths.spark, "remote");
}

/** Mirrors another machine's record (atomically; the relay is the only writer). */
export function writeRemoteMachine(paths: BusPaths, record: MachineRecord): void {
  const dir = remoteDir(paths);
  ensurePrivateDir(dir);
  writeFileAtomic(join(dir, `${record.machine}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes a machine's mirror; true when there was one. */
export function removeRemoteMachine(paths: BusPaths, machine: string): boolean {
  return unlinkIfExists(join(remoteDir(paths), `${machine}.json`));
}

/** Every mirrored machine record that reads back valid (an odd file is skipped, never trusted). */
export function readRemoteMachines(paths: BusPaths): MachineRecord[] {
  const out: MachineRecord[] = [];
  for (const entry of readEntries(remoteDir(paths))) {
    if (entry.name.startsWith(".") || !entry.name.endsWith(".json")) continue;
    const read = readRegularFile(join(remoteDir(paths), entry.name), MACHINE_RECORD_MAX_BYTES);
    if (!read.ok) continue;
    const parsed = parseMachineRecord(read.bytes);
    // The file name is the machine: a record that claims another name was not written by the relay.
    if (parsed.ok && `${parsed.record.machine}.json` === entry.name) out.push(parsed.record);
  }
  return out;
}
