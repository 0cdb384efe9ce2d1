import { ago } from "../../bus/format/ago.js";
import { HOOK_PAUSE_BY } from "../hooks/roles.js";
import type { Check, DoctorFacts } from "./checks.js";

/** Doctor's checks of the bus itself (pure): folders, pause, agents, events, sidecar, runs. */

/** The next step when something `manifest spark init` sets up is missing. */
export const INIT = "Run `manifest spark init`.";

/** `.spark/` exists, private (0700), with its .gitignore. */
export function busCheck(f: DoctorFacts): Check {
  const base = { id: "bus", title: ".spark/" };
  if (!f.bus.exists) return { ...base, status: "fail", detail: ".spark/ does not exist", next: INIT };
  if (f.bus.loose.length > 0) {
    const list = f.bus.loose.map((l) => `${l.path} (${l.mode.toString(8).padStart(4, "0")})`).join(", ");
    return {
      ...base,
      status: "fail",
      detail: `looser than 0700: ${list}; events hold stack traces and request data`,
      next: "Run `manifest doctor --fix` (it sets them to 0700).",
    };
  }
  if (f.bus.missing.length > 0 || !f.bus.gitignore) {
    const parts = [
      ...(f.bus.missing.length > 0 ? [`missing ${f.bus.missing.join(", ")}`] : []),
      ...(f.bus.gitignore ? [] : ["no .spark/.gitignore (git would see the events)"]),
    ];
    return {
      ...base,
      status: "warn",
      detail: parts.join("; "),
      next: "Run `manifest doctor --fix` or `manifest spark init`.",
    };
  }
  return { ...base, status: "ok", detail: "private folders (0700) with a .gitignore" };
}

/** The manual pause: unreadable, stale, or left by an aborted rebase. */
export function pauseCheck(f: DoctorFacts): Check {
  const base = { id: "pause", title: "Pause" };
  const p = f.pause;
  if (p.kind === "none") return { ...base, status: "ok", detail: "not paused" };
  if (p.kind === "unreadable") {
    return {
      ...base,
      status: "fail",
      detail: `.spark/pause is unreadable (${p.problem}); it counts as a pause, so events are held`,
      next: "Run `manifest spark resume` (it removes the file).",
    };
  }
  const since = `paused by ${p.pause.by}${p.pause.reason ? ` (${p.pause.reason})` : ""}, ${ago(p.ageMs)}`;
  if (p.pause.by === HOOK_PAUSE_BY && !f.rebaseInProgress) {
    return {
      ...base,
      status: "warn",
      detail: `${since}, but no rebase is in progress (an aborted rebase runs no hook to lift it)`,
      next: "Run `manifest doctor --fix` or `manifest spark resume --if-by git-hook:rebase`.",
    };
  }
  if (p.stale) {
    return {
      ...base,
      status: "warn",
      detail: `${since}: stale (older than ${f.staleMinutes} min), so it no longer holds events`,
      next: "Run `manifest spark resume` to remove it (a starting sidecar clears it too).",
    };
  }
  return { ...base, status: "ok", detail: `${since}; events wait on disk until \`manifest spark resume\`` };
}

/** Presence files of agents that are gone. */
export function agentsCheck(f: DoctorFacts): Check {
  const base = { id: "agents", title: "Agents" };
  const bad = [...f.agents.dead, ...f.agents.unreadable];
  if (bad.length > 0) {
    return {
      ...base,
      status: "warn",
      detail: `${bad.length} dead or unreadable presence file(s): ${bad.join(", ")}`,
      next: "Run `manifest doctor --fix` (it removes them).",
    };
  }
  return { ...base, status: "ok", detail: f.agents.live === 0 ? "no Pi session running" : `${f.agents.live} live` };
}

/** Event counts; rejected and expired ones need a look. */
export function eventsCheck(f: DoctorFacts): Check {
  const base = { id: "events", title: "Events" };
  const c = f.counts;
  const summary = `${c.pending} pending · ${c.claimed} claimed · ${c.delivered} delivered · ${c.rejected} rejected · ${c.expired} expired`;
  if (c.rejected > 0 || c.expired > 0) {
    return {
      ...base,
      status: "warn",
      detail: summary,
      next: "Read why in .spark/events/rejected/*.reason.json; expired events (too old when first seen) are in .spark/events/expired/.",
    };
  }
  return { ...base, status: "ok", detail: summary };
}

/** Whether a sidecar is alive to take events. */
export function sidecarCheck(f: DoctorFacts): Check {
  const base = { id: "sidecar", title: "Sidecar" };
  if (f.sidecar) return { ...base, status: "ok", detail: `alive (pid ${f.sidecar.pid}, ${f.sidecar.id})` };
  return {
    ...base,
    status: "warn",
    detail: "not running: events wait until a Pi session takes them (/spark)",
    next: "Start it with `manifest sidecar` (or `manifest up`).",
  };
}

/** The `manifest run` runs of the last hour, failed ones with their exit status. */
export function runsCheck(f: DoctorFacts): Check {
  const base = { id: "runs", title: "Runs (last hour)" };
  if (f.runs.length === 0) return { ...base, status: "ok", detail: "no `manifest run` in the last hour" };
  const failed = f.runs.filter((r) => r.status === "failed").length;
  const lines = f.runs.map((r) => {
    const when = ago(f.now - Date.parse(r.at));
    if (r.status === "ok-or-running") return `✔ ${r.log} · ${when} · succeeded or still running`;
    const how = r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode ?? "?"}`;
    return `✖ ${r.log} · ${when} · ${r.command ?? "?"}: ${how} (event ${r.eventId})`;
  });
  return { ...base, status: "ok", detail: `${f.runs.length} run(s), ${failed} failed`, lines };
}
