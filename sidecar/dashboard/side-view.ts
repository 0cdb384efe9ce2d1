import { shortAge } from "../../bus/format/ago.js";
import type { RunFact } from "../../bus/runs.js";
import type { AgentView } from "../../bus/snapshot.js";
import { clean, clip, fit, type Line } from "./text.js";

/** Live agents first by role (sidecar on top), then by start time. */
export function liveAgents(agents: readonly AgentView[]): AgentView[] {
  return agents
    .filter((a) => a.alive)
    .sort((a, b) => (a.role === b.role ? a.startedAt.localeCompare(b.startedAt) : a.role === "sidecar" ? -1 : 1));
}

/**
 * One agent: role, status, how long it has been up, its pid ("this" for the dashboard's own),
 * or `@machine` for an agent on another machine (seen through the hub).
 */
export function agentRow(agent: AgentView, selfPid: number, cells: number, now: number): Line {
  const working = agent.status === "working";
  const up = shortAge(now - Date.parse(agent.startedAt));
  const room = cells - 24;
  const who = agent.machine
    ? `@${agent.machine}`
    : agent.pid === selfPid
      ? "this"
      : room >= `pid ${agent.pid}`.length
        ? `pid ${agent.pid}`
        : String(agent.pid);
  return fit(
    [
      { text: agent.role.padEnd(8) },
      { text: agent.status.padEnd(8), style: working ? "bold yellow-fg" : "green-fg" },
      { text: `up ${up.padEnd(4)} ` },
      { text: clip(who, Math.max(0, room)), style: "gray-fg" },
    ],
    cells,
  );
}

/**
 * The runs pane's order: failed runs first, then the others, each newest first. The pane's
 * title counts the failed ones, so those are the rows it shows, not older successes or the
 * app that is still running under `manifest run dev`. Pure.
 */
export function failedFirst(runs: readonly RunFact[]): RunFact[] {
  return [...runs.filter((r) => r.status === "failed"), ...runs.filter((r) => r.status !== "failed")];
}

/** The name a run's log carries (`dev-2026-11-21-101500.log` → `dev`). */
export function runName(log: string): string {
  const base = log.split(/[\\/]/).pop() ?? log;
  return base.replace(/-\d{4}-\d{2}-\d{2}-\d{6}(?:-\d+)?\.log$/, "").replace(/\.log$/, "");
}

/** One run: how it ended (a failed run carries its command and exit), its name, its age. */
export function runRow(run: RunFact, cells: number, now: number): Line {
  const age = shortAge(now - Date.parse(run.at));
  const failed = run.status === "failed";
  const outcome = failed ? (run.signal ? run.signal : `exit ${run.exitCode ?? "?"}`) : "ok/running";
  const what = clean(failed && run.command ? run.command : runName(run.log));
  const room = Math.max(0, cells - 2 - 11 - age.length - 1);
  return fit(
    [
      { text: failed ? "✖ " : "✔ ", style: failed ? "red-fg" : "green-fg" },
      { text: outcome.padEnd(11), style: failed ? "red-fg" : "gray-fg" },
      { text: clip(what, room).padEnd(room) },
      { text: ` ${age}`, style: "gray-fg" },
    ],
    cells,
  );
}
