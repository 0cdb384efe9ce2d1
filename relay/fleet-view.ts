/**
 * `manifest fleet status`, pure: what the hub holds (Spark's streams, the presence and pause
 * buckets) turned into one report per project, and into lines for a person.
 */
import { isRemoteAgentAlive, type MachineRecord } from "../bus/remote-presence.js";
import { remoteSide } from "./pause-rules.js";

/** What was read from the hub, as it came. */
export interface FleetFacts {
  hub: string;
  /** Spark's event streams: the project, events on the hub, and its sidecars' consumer. */
  streams: Array<{ project: string; messages: number; waiting: number | null; inFlight: number | null }>;
  /** Every record in the presence bucket (the TTL already dropped machines gone silent). */
  machines: MachineRecord[];
  /** The pause bucket's value per project (absent: no pause). */
  pauses: Map<string, Uint8Array>;
}

export interface FleetMachine {
  machine: string;
  host: string;
  heartbeatAt: string;
  heartbeatAgeMs: number;
  /** A sidecar there takes the project's events from the hub. */
  sidecar: boolean;
  events: { pending: number; claimed: number };
  agents: Array<{ id: string; role: string; status: string; alive: boolean }>;
}

export interface FleetProject {
  project: string;
  /** Events on the hub: not yet taken (`waiting`), taken and not yet acked (`inFlight`). */
  hub: { waiting: number; inFlight: number } | null;
  pause: { by: string; since: string; reason: string | null } | null;
  machines: FleetMachine[];
}

export interface FleetReport {
  hub: string;
  projects: FleetProject[];
}

/** The report, projects and machines by name. */
export function fleetReport(facts: FleetFacts, now: number, ttlMs: number): FleetReport {
  const names = new Set([...facts.streams.map((s) => s.project), ...facts.machines.map((m) => m.project)]);
  const projects = [...names].sort().map((project): FleetProject => {
    const stream = facts.streams.find((s) => s.project === project);
    const pause = remoteSide(facts.pauses.get(project));
    return {
      project,
      hub: stream ? { waiting: stream.waiting ?? stream.messages, inFlight: stream.inFlight ?? 0 } : null,
      pause:
        pause.kind === "paused"
          ? { by: pause.pause.by, since: pause.pause.since, reason: pause.pause.reason || null }
          : null,
      machines: facts.machines
        .filter((m) => m.project === project)
        .sort((a, b) => a.machine.localeCompare(b.machine))
        .map((m) => ({
          machine: m.machine,
          host: m.host,
          heartbeatAt: m.heartbeatAt,
          heartbeatAgeMs: Math.max(0, now - Date.parse(m.heartbeatAt)),
          sidecar: m.sidecar,
          events: { pending: m.events.pending, claimed: m.events.claimed },
          agents: m.agents.map((a) => ({
            id: a.id,
            role: a.role,
            status: a.status,
            alive: isRemoteAgentAlive(m, a, now, ttlMs),
          })),
        })),
    };
  });
  return { hub: facts.hub, projects };
}

/** The report for a person: one block per project, one line per machine. */
export function fleetLines(report: FleetReport): string[] {
  if (report.projects.length === 0) return [`No Spark project on ${report.hub} yet (a relay creates one).`];
  const lines = [`Hub ${report.hub}`];
  for (const p of report.projects) {
    const onHub = p.hub ? `${p.hub.waiting} waiting on the hub · ${p.hub.inFlight} in flight` : "no event stream yet";
    const pause = p.pause ? ` · paused by ${p.pause.by}${p.pause.reason ? `: ${p.pause.reason}` : ""}` : "";
    lines.push(`project ${p.project}: ${onHub}${pause}`);
    if (p.machines.length === 0) lines.push("  no machine has a relay running");
    for (const m of p.machines) {
      const agents = m.agents.filter((a) => a.alive);
      const who = agents.length === 0 ? "no agents" : agents.map((a) => `${a.role} ${a.status}`).join(", ");
      lines.push(
        `  ${m.machine.padEnd(12)} ${who} · ${m.events.pending} pending, ${m.events.claimed} claimed · heartbeat ${Math.round(m.heartbeatAgeMs / 1000)} s ago${m.sidecar ? " · takes events" : ""}`,
      );
    }
  }
  return lines;
}
