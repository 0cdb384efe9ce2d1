import type { BusChange } from "../../bus/bus-diff.js";
import type { SparkConfig } from "../../bus/config-schema.js";
import { typeFromFileName } from "../../bus/event-name.js";
import { observeBus } from "../../bus/observe.js";
import type { BusPaths } from "../../bus/paths.js";
import { readEventFile } from "../../bus/read-event.js";
import type { ReadOutcome } from "../dashboard/events-board.js";
import { readSummary } from "../dashboard/events-feed.js";
import { type Facts, startFactsFeed } from "../dashboard/facts-feed.js";
import type { SidecarHost } from "../host.js";
import { agentForWire, busChangeForWire, notificationForWire, type PauseWire, runsForWire } from "./bus-wire.js";
import { piEventForWire } from "./pi-wire.js";
import type { SseHub } from "./sse-hub.js";

/** Event files read per bus scan for their summary; past that, a `bus` event carries none. */
const READS_PER_SCAN = 200;
/** Notification ids remembered, so a file seen again (moved, rescanned) is not announced twice. */
const ANNOUNCED_MAX = 2000;

export interface BridgeFeeds {
  /** The latest slow facts (pause, agents, runs), for the state routes. */
  facts(): Facts | undefined;
  /** Looks at the pause and the agents again now (after a pause or resume through the API). */
  refresh(): void;
  close(): Promise<void>;
}

/**
 * Everything that happens reaches the event stream: Pi's session events, the host's status
 * and notices, every move on the bus (new, claimed, delivered, rejected, expired), the pause,
 * the agents, the runs, the tool calls waiting for approval, and notifications for the people
 * watching.
 */
export function startBridgeFeeds(
  host: SidecarHost,
  hub: SseHub,
  paths: BusPaths,
  config: SparkConfig,
  onError: (error: unknown) => void,
): BridgeFeeds {
  const offPi = host.agent.onEvent((event) => {
    const wire = piEventForWire(event);
    if (wire) hub.publish("pi", wire);
  });
  const offHost = host.subscribe((item) => {
    if (item.kind === "status") hub.publish("status", { text: item.text ?? null });
    else if (item.kind === "notice") hub.publish("notice", { level: item.level, text: item.text });
  });

  let facts: Facts | undefined;
  const last = { pause: "", agents: "", runs: "", approvals: "" };
  const changed = (key: keyof typeof last, value: unknown) => {
    const json = JSON.stringify(value);
    if (json === last[key]) return false;
    last[key] = json;
    return true;
  };
  const factsFeed = startFactsFeed(
    paths,
    config,
    { watchOnly: host.watchOnly !== undefined },
    (next) => {
      const first = facts === undefined;
      facts = next;
      const pause: PauseWire = { held: next.hold.held, hold: next.hold, pausedBy: next.pausedBy ?? null };
      const agents = next.agents.map(agentForWire);
      const runs = runsForWire(next.runs);
      // The first look only sets the baseline: clients read the state, then follow the changes.
      if (changed("pause", pause) && !first) hub.publish("pause", pause);
      if (changed("agents", agents) && !first) hub.publish("agents", { agents });
      if (changed("runs", runs) && !first) hub.publish("runs", { runs });
      // Tool calls waiting for a person's yes (`tools: "approve"`): answer through the API.
      if (changed("approvals", next.approvals) && !first) hub.publish("approvals", { pending: next.approvals });
    },
    onError,
  );

  const announced = new Set<string>();
  const announce = (change: BusChange) => {
    if (change.kind === "gone" || typeFromFileName(change.entry.name) !== "notification") return;
    if (announced.has(change.entry.id)) return;
    const read = readEventFile(change.entry.path, change.entry.name);
    if (!read.ok) return;
    announced.add(change.entry.id);
    if (announced.size > ANNOUNCED_MAX) announced.delete(announced.values().next().value as string);
    hub.publish("notification", notificationForWire(read.event));
  };
  const observer = observeBus(
    paths,
    (scan) => {
      // What was on disk before the bridge started is state, not news.
      if (scan.initial) return;
      let reads = 0;
      for (const change of scan.changes) {
        let read: ReadOutcome | undefined;
        if (change.kind !== "gone" && reads < READS_PER_SCAN) {
          reads++;
          read = safeSummary(change.entry);
        }
        // A file can move on between the listing and the read: a missing one is news of its own.
        hub.publish("bus", busChangeForWire(change, read?.kind === "missing" ? undefined : read));
        announce(change);
      }
    },
    { coalesceMs: 50, backstopMs: 2000, onError },
  );

  return {
    facts: () => facts,
    refresh: () => factsFeed.refresh(),
    async close() {
      offPi();
      offHost();
      await Promise.all([factsFeed.close(), observer.close()]);
    },
  };
}

function safeSummary(entry: Parameters<typeof readSummary>[0]): ReadOutcome {
  try {
    return readSummary(entry);
  } catch (error) {
    return { kind: "invalid", reason: (error as Error).message };
  }
}
