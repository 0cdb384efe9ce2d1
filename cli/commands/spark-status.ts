import { defineCommand } from "citty";
import type { ApprovalView } from "../../bus/approval-rules.js";
import { describeHold } from "../../bus/effective-pause.js";
import { ago, shortAge } from "../../bus/format/ago.js";
import { cleanDeadEntries, type DeadEntriesReport } from "../../bus/housekeeping.js";
import { pendingRepeats } from "../../bus/maintenance.js";
import { localLivenessFacts } from "../../bus/presence.js";
import { isRelayAlive, type RelayStatus, readRelayStatus } from "../../bus/relay-status.js";
import { type BusSnapshot, busSnapshot } from "../../bus/snapshot.js";
import { approvalLines } from "../_approval.js";
import { jsonArg } from "../_args.js";
import { createOutput, type Output } from "../_output.js";
import { locatedProject, MARKER_NAMES, projectConfig } from "../_project.js";
import type { StatusJson } from "../schemas.js";
import type { ApprovalJson } from "../schemas-approvals.js";

/** Settled requests `status --json` lists besides the waiting ones. */
const RECENT_APPROVALS = 10;

/** `manifest spark status`. */
export const statusCommand = defineCommand({
  meta: { name: "status", description: "Show Spark's state: pause, events, agents, sidecar" },
  args: { ...jsonArg },
  run({ args }) {
    const out = createOutput(Boolean(args.json));
    const where = locatedProject();
    const { root, paths, config } = projectConfig(where.root);
    const now = Date.now();
    // Whoever finds dead entries cleans them (bus-protocol.md): status shows the bus as it is
    // once they are gone. A bus this user may not write to is shown as it is.
    let cleaned: DeadEntriesReport = { released: 0, removedAgents: [], clearedPause: undefined };
    try {
      cleaned = cleanDeadEntries(paths, config);
    } catch (error) {
      out.note(`Could not clean dead entries: ${(error as Error).message}`);
    }
    const snapshot = busSnapshot(paths, config);
    const repeats = pendingRepeats(paths);
    const foundBy = MARKER_NAMES[where.by];
    const relay = readRelayStatus(paths);
    const relayAlive = relay !== undefined && isRelayAlive(relay, localLivenessFacts(config.presence.ttlMs, now));
    out.document(
      statusJson(root, snapshot, foundBy, cleaned, repeats.repeats, relay && { ...relay, alive: relayAlive }),
    );
    if (!out.json) {
      out.line(`${out.style.bold("Project".padEnd(8))}${root} ${out.style.dim(`(found by ${foundBy})`)}`);
      printStatus(out, snapshot, now, cleaned, repeats);
      if (relay) printRelay(out, relay, relayAlive, now);
      else if (config.hub) {
        // A hub in the config and no relay ever ran here: nothing leaves this machine yet.
        const { bold, yellow } = out.style;
        out.line(
          `${bold("Relay".padEnd(8))}${yellow("not running: config/spark.ts names a hub, but events stay here")} · \`manifest up\` adds its pane, or run \`manifest relay\``,
        );
      }
    }
    return 0;
  },
});

/** The `--json` document (see `statusSchema`). */
export function statusJson(
  root: string,
  s: BusSnapshot,
  rootFoundBy: string,
  cleaned?: DeadEntriesReport,
  repeats = 0,
  relay?: RelayStatus & { alive: boolean },
): StatusJson {
  return {
    ok: true,
    root,
    rootFoundBy,
    enabled: s.enabled,
    environment: s.environment,
    behavior: s.behavior,
    tools: s.tools,
    pause:
      s.pause.kind === "none"
        ? { state: "none" }
        : s.pause.kind === "unreadable"
          ? { state: "unreadable", problem: s.pause.problem }
          : {
              state: "paused",
              by: s.pause.pause.by,
              reason: s.pause.pause.reason,
              since: s.pause.pause.since,
              ageMs: s.pause.ageMs,
              stale: s.pause.stale,
              ...(s.pause.waitsFor
                ? { waitsFor: { kind: s.pause.waitsFor.kind, inProgress: s.pause.waitsFor.inProgress } }
                : {}),
            },
    held: s.hold.held,
    holdReason: s.hold.held ? describeHold(s.hold) : null,
    events: { ...s.counts, repeats },
    agents: s.agents.map((a) => ({
      id: a.id,
      role: a.role,
      status: a.status,
      pid: a.pid,
      host: a.host,
      alive: a.alive,
      lastActivity: a.lastActivity,
      heartbeatAt: a.heartbeatAt,
      machine: a.machine ?? null,
    })),
    sidecar: { alive: s.sidecar !== undefined, id: s.sidecar?.id ?? null, pid: s.sidecar?.pid ?? null },
    approvals: {
      pending: s.approvals.filter((v) => v.state === "pending").map(approvalJson),
      recent: s.approvals
        .filter((v) => v.state !== "pending")
        .reverse()
        .slice(0, RECENT_APPROVALS)
        .map(approvalJson),
    },
    cleaned: {
      released: cleaned?.released ?? 0,
      removedAgents: cleaned?.removedAgents.length ?? 0,
      endedRebasePause: cleaned?.clearedPause !== undefined,
    },
    relay: relay
      ? {
          alive: relay.alive,
          machine: relay.machine,
          project: relay.project,
          hub: relay.hub,
          connected: relay.alive && relay.connected,
          since: relay.since,
          problem: relay.problem ?? null,
          inbound: relay.alive && relay.inbound,
        }
      : null,
  };
}

function approvalJson(v: ApprovalView): ApprovalJson {
  const { id, tool, summary, args, requestedAt, expiresAt, agent, cause } = v.request;
  return {
    id,
    tool,
    summary,
    args,
    requestedAt,
    expiresAt,
    agent,
    cause,
    state: v.state,
    remainingMs: v.remainingMs,
    answer: v.answer
      ? { id: v.answer.id, answer: v.answer.answer, by: v.answer.by, at: v.answer.at, reason: v.answer.reason }
      : null,
  };
}

function printStatus(
  out: Output,
  s: BusSnapshot,
  now: number,
  cleaned: DeadEntriesReport,
  repeats: { repeats: number; partial: boolean },
): void {
  const { bold, dim, green, yellow, red } = out.style;
  const label = (text: string) => bold(text.padEnd(8));
  for (const line of cleanedLines(cleaned)) out.line(dim(line));
  out.line(
    `${label("Spark")}${s.enabled ? green("enabled") : red("disabled")} · ${s.environment} · behaviour ${s.behavior} · tools ${s.tools}`,
  );
  if (s.pause.kind === "none") out.line(`${label("Pause")}${dim("none")}`);
  else if (s.pause.kind === "unreadable")
    out.line(`${label("Pause")}${red(`unreadable (${s.pause.problem}): counts as paused`)}`);
  else {
    const p = s.pause.pause;
    const wait = s.pause.waitsFor;
    const stale = !s.pause.stale
      ? ""
      : wait
        ? red(" (the rebase is over: no longer holds events)")
        : red(" (stale: no longer holds events; the sidecar clears it)");
    out.line(
      `${label("Pause")}${yellow(`paused by ${p.by}`)}${p.reason ? `: ${p.reason}` : ""}, ${ago(s.pause.ageMs)}${stale}`,
    );
  }
  if (s.hold.held) out.line(`${label("Holding")}${yellow(describeHold(s.hold))}`);
  const c = s.counts;
  const n = (value: number, word: string, warn = false) =>
    `${warn && value > 0 ? red(String(value)) : String(value)} ${word}`;
  out.line(
    `${label("Events")}${[n(c.pending, "pending"), n(c.claimed, "claimed"), n(c.delivered, "delivered"), n(c.rejected, "rejected", true), n(c.expired, "expired", true)].join(" · ")}`,
  );
  if (repeats.repeats > 0) {
    out.line(
      `${" ".repeat(8)}${yellow(`+${repeats.repeats.toLocaleString("en-US")}${repeats.partial ? "+" : ""} more occurrences`)} of pending problems, counted by the app instead of written (summary events carry the counts)`,
    );
  }
  const live = s.agents.filter((a) => a.alive);
  if (live.length === 0) out.line(`${label("Agents")}${dim("none")}`);
  for (const [i, a] of live.entries()) {
    const status = a.status === "working" ? yellow("working") : "idle";
    const where = a.machine ? `on machine ${a.machine} (via the hub)` : `pid ${a.pid}@${a.host}`;
    out.line(
      `${i === 0 ? label("Agents") : " ".repeat(8)}${a.role} ${status} · ${where} · active ${ago(now - Date.parse(a.lastActivity))}`,
    );
  }
  // Other machines' agents that went quiet are not this machine's to clean up.
  const dead = s.agents.filter((a) => !a.alive && !a.machine).length;
  if (dead > 0)
    out.line(`${" ".repeat(8)}${dim(`${dead} dead presence file(s): \`manifest doctor --fix\` removes them`)}`);
  const remoteSidecar = live.find((a) => a.machine && a.role === "sidecar");
  const noSidecar = remoteSidecar
    ? dim(`not running here; the sidecar on machine ${remoteSidecar.machine} takes events through the hub`)
    : dim("not running (`manifest sidecar` starts one)");
  out.line(`${label("Sidecar")}${s.sidecar ? green(`alive (pid ${s.sidecar.pid})`) : noSidecar}`);
  const waiting = approvalLines(s.approvals.filter((v) => v.state === "pending"));
  for (const [i, line] of waiting.entries()) out.line(`${i === 0 ? label("Waiting") : " ".repeat(8)}${yellow(line)}`);
  if (waiting.length > 0)
    out.line(dim("        `manifest spark approve <id>` lets a call run; `deny <id> --reason …` refuses it."));
}

/** What status cleaned before it looked, in words (nothing when it found nothing dead). */
function cleanedLines(c: DeadEntriesReport): string[] {
  const lines: string[] = [];
  if (c.removedAgents.length > 0)
    lines.push(`Removed ${c.removedAgents.length} presence file(s) of agents that are gone.`);
  if (c.released > 0) lines.push(`Put back ${c.released} event(s) claimed by an agent that is gone.`);
  if (c.clearedPause) lines.push("Ended the rebase pause: the rebase is over (finished or aborted).");
  return lines;
}

function printRelay(out: Output, relay: RelayStatus, alive: boolean, now: number): void {
  const { bold, dim, green, yellow } = out.style;
  const who = `machine ${relay.machine} · project ${relay.project} · ${relay.hub}`;
  if (!alive) {
    out.line(`${bold("Relay".padEnd(8))}${dim(`not running (last: ${who}); \`manifest relay\` starts it`)}`);
    return;
  }
  const state = relay.connected
    ? green(`connected for ${shortAge(now - Date.parse(relay.since))}`)
    : yellow(`not connected${relay.problem ? `: ${relay.problem}` : ""} (events wait here)`);
  out.line(`${bold("Relay".padEnd(8))}${state} · ${who}${relay.inbound ? " · taking events for this sidecar" : ""}`);
}
