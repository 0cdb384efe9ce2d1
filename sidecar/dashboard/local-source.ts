import { join } from "node:path";
import { answerApproval } from "../../bus/approvals.js";
import { profileFor } from "../../bus/config-schema.js";
import { readEventDetail } from "../../bus/read-detail.js";
import type { SidecarHost } from "../host.js";
import { startEventsFeed } from "./events-feed.js";
import { startFactsFeed } from "./facts-feed.js";
import { readLogTail } from "./log-tail.js";
import type { DashboardSource } from "./source.js";

/** The sidecar's own dashboard: the bus on this disk, and the Pi session in this process. */
export function localSource(host: SidecarHost): DashboardSource {
  const { paths, config, root } = host.loaded;
  return {
    facts: {
      environment: config.environment,
      behavior: profileFor(config).behavior,
      model: host.model,
      watchOnly: host.watchOnly,
      pid: process.pid,
    },
    busy: () => host.busy(),
    subscribe: (listener) => host.subscribe(listener),
    send: (text) => host.send(text),
    togglePause: async (by) => host.togglePause(by),
    abort: () => host.abort(),
    async answer(id, answer, by, liveAgentIds) {
      const result = answerApproval(paths, { query: id, answer, by, liveAgentIds });
      if (!result.ok) return { ok: false, text: result.message };
      const { tool, summary } = result.view.request;
      return { ok: true, text: `${answer === "approve" ? "✔ approved" : "✖ denied"} ${tool} ${summary}` };
    },
    startFacts: (onChange, onError) =>
      startFactsFeed(paths, config, { watchOnly: host.watchOnly !== undefined }, onChange, onError),
    startEvents: (board, onChange, onRunEvent, onError) => startEventsFeed(paths, board, onChange, onRunEvent, onError),
    eventDetail: async (entry) => readEventDetail(paths, entry),
    logTail: async (log) => readLogTail(join(root, log)),
    close: () => host.shutdown(),
    closing: "shutting down: releasing claims, removing presence…",
  };
}
