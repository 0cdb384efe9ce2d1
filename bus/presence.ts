import { randomBytes } from "node:crypto";
import { lstatSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import * as z from "zod/mini";
import { isPresenceAlive, type LivenessFacts, PRESENCE_TTL_MS, pidExists } from "./liveness.js";
import type { BusPaths } from "./paths.js";
import { readEntries } from "./queue.js";
import { relayHoldsClaims } from "./relay-status.js";
import { ensurePrivateDir, readRegularFile, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";
import { describeIssues } from "./zod-issues.js";

/** How the sidecar's last agent run ended: the human sessions' status line says so. */
const runOutcomeSchema = z.object({
  endedAt: z.iso.datetime({ offset: true }),
  outcome: z.enum(["fixed", "gave-up", "failed", "done"]),
  /** The first line of its answer, or of the error. */
  summary: z.string(),
});

export type RunOutcome = z.output<typeof runOutcomeSchema>;

/** The body of a presence file (also what the relay mirrors of another machine's agents). */
export const presenceSchema = z.looseObject({
  id: z.string(),
  role: z.enum(["human", "sidecar"]),
  pid: z.number(),
  host: z.string(),
  status: z.enum(["idle", "working"]),
  startedAt: z.iso.datetime({ offset: true }),
  lastActivity: z.iso.datetime({ offset: true }),
  heartbeatAt: z.iso.datetime({ offset: true }),
  cwd: z.string(),
  piVersion: z.optional(z.string()),
  lastRun: z.optional(runOutcomeSchema),
});

/** `.spark/agents/<id>.json`: one live Pi instance. */
export type AgentPresence = z.output<typeof presenceSchema>;
export type AgentRole = AgentPresence["role"];
export type AgentStatus = AgentPresence["status"];

/** A presence file as found on disk: valid, or why not. */
export type PresenceEntry =
  | { ok: true; file: string; agent: AgentPresence }
  | { ok: false; file: string; problem: string };

/** A fresh presence id; it is also the agent's consumer id for claims. */
export function newAgentId(role: AgentRole): string {
  return `${role}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** A presence record for this process, as written at `session_start`. */
export function newPresence(input: {
  id: string;
  role: AgentRole;
  cwd: string;
  piVersion?: string | undefined;
  now?: number | undefined;
}): AgentPresence {
  const at = new Date(input.now ?? Date.now()).toISOString();
  return {
    id: input.id,
    role: input.role,
    pid: process.pid,
    host: hostname(),
    status: "idle",
    startedAt: at,
    lastActivity: at,
    heartbeatAt: at,
    cwd: input.cwd,
    ...(input.piVersion ? { piVersion: input.piVersion } : {}),
  };
}

/** Writes (or refreshes) a presence file atomically. */
export function writePresence(paths: BusPaths, agent: AgentPresence): void {
  ensurePrivateDir(paths.agents);
  writeFileAtomic(join(paths.agents, `${agent.id}.json`), `${JSON.stringify(agent, null, 2)}\n`);
}

/** Removes a presence file; true when it existed. */
export function removePresence(paths: BusPaths, id: string): boolean {
  return unlinkIfExists(join(paths.agents, `${id}.json`));
}

/** Reads one agent's presence, if the file exists and is valid. */
export function readPresence(paths: BusPaths, id: string): AgentPresence | undefined {
  const entry = readPresenceFile(join(paths.agents, `${id}.json`), `${id}.json`);
  return entry?.ok ? entry.agent : undefined;
}

/** Every presence file in `agents/` (staging dotfiles skipped), valid or not. */
export function readAgents(paths: BusPaths): PresenceEntry[] {
  const out: PresenceEntry[] = [];
  for (const entry of readEntries(paths.agents)) {
    if (entry.name.startsWith(".") || !entry.name.endsWith(".json")) continue;
    const read = readPresenceFile(join(paths.agents, entry.name), entry.name);
    if (read) out.push(read);
  }
  return out;
}

function readPresenceFile(path: string, file: string): PresenceEntry | undefined {
  const read = readRegularFile(path, 64 * 1024);
  if (!read.ok) return read.reason === "missing" ? undefined : { ok: false, file, problem: read.reason };
  let body: unknown;
  try {
    body = JSON.parse(read.bytes.toString("utf8"));
  } catch {
    return { ok: false, file, problem: "not valid JSON" };
  }
  const parsed = presenceSchema.safeParse(body);
  return parsed.success
    ? { ok: true, file, agent: parsed.data }
    : { ok: false, file, problem: describeIssues(parsed.error) };
}

/** Liveness facts for this host, now. */
export function localLivenessFacts(ttlMs = PRESENCE_TTL_MS, now = Date.now()): LivenessFacts {
  return { now, thisHost: hostname(), pidExists, ttlMs };
}

/** The agents that are alive now. */
export function liveAgents(paths: BusPaths, facts: LivenessFacts = localLivenessFacts()): AgentPresence[] {
  return readAgents(paths).flatMap((e) => (e.ok && isPresenceAlive(e.agent, facts) ? [e.agent] : []));
}

/** A predicate for `releaseDeadClaims`: is the consumer with this id alive? */
export function consumerAliveCheck(
  paths: BusPaths,
  facts: LivenessFacts = localLivenessFacts(),
): (id: string) => boolean {
  return (id) => {
    const agent = readPresence(paths, id);
    // The relay claims too, and keeps its heartbeat in relay.json rather than agents/.
    return agent !== undefined ? isPresenceAlive(agent, facts) : relayHoldsClaims(paths, id, facts);
  };
}

/**
 * Removes presence files of dead agents (and unreadable ones older than the TTL, which no
 * live writer would leave). Returns the removed file names.
 */
export function removeDeadAgents(paths: BusPaths, facts: LivenessFacts = localLivenessFacts()): string[] {
  const removed: string[] = [];
  for (const entry of readAgents(paths)) {
    const dead = entry.ok ? !isPresenceAlive(entry.agent, facts) : olderThan(join(paths.agents, entry.file), facts);
    if (dead && unlinkIfExists(join(paths.agents, entry.file))) removed.push(entry.file);
  }
  return removed;
}

function olderThan(path: string, facts: LivenessFacts): boolean {
  try {
    return facts.now - lstatSync(path).mtimeMs > (facts.ttlMs ?? PRESENCE_TTL_MS);
  } catch {
    return false;
  }
}
