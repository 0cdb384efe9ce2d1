import { describeApproval } from "../../bus/approval-rules.js";
import { answerApproval, listApprovals } from "../../bus/approvals.js";
import { describeHold } from "../../bus/effective-pause.js";
import { clearPause, currentUser, writePause } from "../../bus/pause.js";
import { busSnapshot } from "../../bus/snapshot.js";
import type { SparkSession } from "./spark-session.js";
import { pendingWork } from "./take.js";

/** What `/spark <args>` does, as text to show. */
export function runSparkCommand(session: SparkSession | undefined, args: string): string {
  if (!session)
    return "Spark is not running in this session (disabled, or its config failed to load: run `manifest doctor`).";
  const [verb = "status", ...rest] = args.trim().split(/\s+/).filter(Boolean);
  const { paths, config } = session.context;
  switch (verb) {
    case "status": {
      const s = busSnapshot(paths, config);
      const live = s.agents.filter((a) => a.alive);
      const waiting = listApprovals(paths, { liveAgentIds: new Set(live.map((a) => a.id)) }).filter(
        (v) => v.state === "pending",
      );
      return [
        `Spark: ${s.enabled ? "on" : "off"} · ${s.environment} · ${s.behavior} · tools ${s.tools}`,
        `Events: ${s.counts.pending} pending, ${s.counts.claimed} claimed, ${s.counts.delivered} delivered, ${s.counts.rejected} rejected, ${s.counts.expired} expired`,
        `Pause: ${s.hold.held ? describeHold(s.hold) : "none"}`,
        `Agents: ${live.map((a) => `${a.role} ${a.status} (${a.machine ? `on ${a.machine}, via the hub` : `pid ${a.pid}`})`).join(", ") || "none"}`,
        `Sidecar: ${s.sidecar ? `alive (pid ${s.sidecar.pid})` : "not running"}`,
        ...waiting.map((v) => `Waits for a yes: ${describeApproval(v)}`),
        waiting.length > 0 ? "`/spark approve [id]` or `/spark deny [id] [why]` answers." : "",
        pendingWork(session.context).length > 0 && !s.sidecar
          ? "`/spark take` brings the pending events into this session."
          : "",
      ]
        .filter(Boolean)
        .join("\n");
    }
    case "take": {
      if (!session.human) return "`/spark take` is for human sessions; the sidecar takes events on its own.";
      const n = session.human.take();
      return n === 0 ? "No pending events to take." : `Took ${n} event${n === 1 ? "" : "s"} into this session.`;
    }
    case "pause": {
      const pause = writePause(paths, { by: currentUser("pi"), reason: rest.join(" ") });
      session.human?.refresh();
      return `⏸ Spark paused${pause.reason ? `: ${pause.reason}` : ""}. \`/spark resume\` delivers what is held.`;
    }
    case "resume": {
      const removed = clearPause(paths);
      session.sidecar?.poke();
      session.human?.refresh();
      return removed ? "▶ Spark resumed: held events are delivered now." : "Spark was not paused.";
    }
    case "approve":
    case "deny": {
      const live = busSnapshot(paths, config).agents.filter((a) => a.alive);
      // `/spark deny <why>` without an id: the first word is an id only if a request has it.
      const [first, ...why] = rest;
      const ids = listApprovals(paths).map((v) => v.request.id);
      const isId =
        first !== undefined &&
        (/^[0-9a-f]{8}$/i.test(first) ||
          (/^[0-9a-f]{3,8}$/i.test(first) && ids.some((id) => id.startsWith(first.toLowerCase()))));
      const result = answerApproval(paths, {
        query: isId ? first : undefined,
        answer: verb,
        by: currentUser("pi"),
        reason: (isId ? why : rest).join(" "),
        liveAgentIds: new Set(live.map((a) => a.id)),
      });
      if (!result.ok) return result.message;
      const { request } = result.view;
      return `${verb === "approve" ? "✔ Approved" : "✖ Denied"} ${request.tool} ${request.summary} (${request.id}).`;
    }
    default:
      return `Unknown /spark command "${verb}". Use /spark [status|take|pause <reason>|resume|approve [id]|deny [id] [why]].`;
  }
}
