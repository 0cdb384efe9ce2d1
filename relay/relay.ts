/**
 * `manifest relay`: one per machine and project. It mirrors the local bus through the hub —
 * events out (outbound.ts) and, while this machine has a live sidecar, in (inbound.ts); its
 * agents' presence (presence-sync.ts); the fleet's pause (pause-sync.ts) — and never makes the
 * local bus wait for the hub: while the hub is away, events stay pending here.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { describeHold, evaluateHold } from "../bus/effective-pause.js";
import type { BusPaths } from "../bus/paths.js";
import { pauseHolds, readPause } from "../bus/pause.js";
import { consumerAliveCheck, liveAgents, localLivenessFacts } from "../bus/presence.js";
import { releaseClaimed, releaseDeadClaims } from "../bus/queue.js";
import {
  isRelayAlive,
  type RelayStatus,
  readRelayStatus,
  removeRelayStatus,
  writeRelayStatus,
} from "../bus/relay-status.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { type FolderWatcher, watchFolders } from "../bus/watcher.js";
import { HubError } from "./connect.js";
import type { Hub } from "./hub.js";
import { startInbound } from "./inbound.js";
import { startHubLink } from "./link.js";
import { CONSUMER_NAME, streamName } from "./names.js";
import { startOutbound } from "./outbound.js";
import { pauseSync } from "./pause-sync.js";
import { presenceSync } from "./presence-sync.js";
import type { Report } from "./records.js";
import type { HubSettings } from "./settings.js";

export interface RelayOptions {
  paths: BusPaths;
  settings: HubSettings;
  /** `pause.staleThresholdMinutes`, in ms: a stale pause holds nothing, here as in the sidecar. */
  pauseStaleMs: number;
  report: Report;
}

export interface RunningRelay {
  /** Resolves with the exit code when the relay ends (stopped: 0; a fatal hub problem: 1). */
  readonly done: Promise<number>;
  stop(): Promise<void>;
}

/** Starts the relay; throws a `HubError` when another relay already serves this project here. */
export function startRelay(options: RelayOptions): RunningRelay {
  const { paths, settings, report } = options;
  const facts = () => localLivenessFacts(settings.presenceTtlMs);
  const other = readRelayStatus(paths);
  if (other && other.pid !== process.pid && isRelayAlive(other, facts())) {
    throw new HubError(
      `A relay already runs for this project (pid ${other.pid}, machine ${other.machine}).`,
      `Leave it running, or stop it first (kill ${other.pid}).`,
      true,
    );
  }
  ensureBusDirs(paths);
  const startedAt = new Date().toISOString();
  const id = `relay-${process.pid}-${randomBytes(4).toString("hex")}`;
  let status: RelayStatus = {
    v: 1,
    id,
    pid: process.pid,
    host: hostname(),
    machine: settings.machine,
    project: settings.project,
    hub: settings.address.shown,
    startedAt,
    heartbeatAt: startedAt,
    connected: false,
    since: startedAt,
    problem: "connecting",
    inbound: false,
  };
  const saveStatus = (change: Partial<RelayStatus> = {}) => {
    const now = new Date().toISOString();
    const connectedChanged = change.connected !== undefined && change.connected !== status.connected;
    status = { ...status, ...change, heartbeatAt: now, ...(connectedChanged ? { since: now } : {}) };
    if (status.connected) delete status.problem;
    writeRelayStatus(paths, status);
  };
  saveStatus();
  report({ type: "ready", id, machine: settings.machine, project: settings.project, hub: settings.address.shown });
  // Claims of relays (and agents) that died here go back to events/ under their names.
  releaseDeadClaims(paths, consumerAliveCheck(paths, facts()));

  const localSidecar = () => liveAgents(paths, facts()).some((a) => a.role === "sidecar");
  const pauseReason = () => {
    const pause = readPause(paths, options.pauseStaleMs);
    return pauseHolds(pause) ? describeHold(evaluateHold(pause, [])) : undefined;
  };
  let hub: Hub | undefined;
  // Why events stay here, asked again only when it may have changed (agents/ or the pause moved,
  // the heartbeat): not for each event file, which on a sidecar's machine is every one from the hub.
  let hold: { reason: string | undefined } | undefined;
  const holdReason = () => {
    hold ??= { reason: pauseReason() ?? (localSidecar() ? "the sidecar on this machine takes them" : undefined) };
    return hold.reason;
  };

  const outbound = startOutbound({
    paths,
    consumerId: id,
    project: settings.project,
    machine: settings.machine,
    extraKeys: settings.extraKeys,
    connected: () => hub !== undefined,
    holdReason,
    publish: async (message) => {
      if (!hub) throw new Error("not connected to the hub");
      const ack = await hub.js.publish(message.subject, message.data, { msgID: message.msgId, timeout: 5000 });
      return { duplicate: ack.duplicate };
    },
    report,
  });
  let consumer: Awaited<ReturnType<Hub["js"]["consumers"]["get"]>> | undefined;
  const inbound = startInbound({
    paths,
    consumerId: id,
    machine: settings.machine,
    extraKeys: settings.extraKeys,
    consumer: () => (hub ? consumer : undefined),
    idleReason: () => (localSidecar() ? pauseReason() : "no sidecar runs on this machine"),
    report: (record) => {
      if (record.type === "inbound") saveStatus({ inbound: record.active });
      report(record);
    },
  });
  const presence = presenceSync({ paths, settings, relay: { id, pid: process.pid, startedAt }, report });
  const pause = pauseSync({ paths, project: settings.project, machine: settings.machine, report });

  let lastUnreachable = "";
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const link = startHubLink(settings, `spark-relay ${settings.project}/${settings.machine}`, {
    up(connected) {
      lastUnreachable = "";
      void (async () => {
        consumer = await connected.js.consumers.get(streamName(settings.project), CONSUMER_NAME).catch(() => undefined);
        hub = connected;
        saveStatus({ connected: true });
        report({ type: "connected", hub: settings.address.shown, ...(connected.note ? { note: connected.note } : {}) });
        void pause.follow(connected.pause);
        void presence.watch(connected.presence);
        await presence.beat(connected.presence);
        outbound.poke();
        inbound.wake();
      })().catch((error: unknown) => report({ type: "error", message: (error as Error).message }));
    },
    down(problem) {
      hub = undefined;
      saveStatus({ connected: false, problem });
      report({ type: "disconnected", problem });
    },
    unreachable(error) {
      saveStatus({ connected: false, problem: error.message });
      if (error.message === lastUnreachable) return;
      lastUnreachable = error.message;
      report({ type: "hub-unreachable", message: error.message, next: error.next });
    },
    fatal(error) {
      report({ type: "hub-unreachable", message: error.message, next: error.next });
      void stop().then(() => finish(1));
    },
  });

  // Hints: new events go out at once; a sidecar or a pause changing wakes the inbound side.
  const watchers: FolderWatcher[] = [
    watchFolders([paths.events], () => outbound.poke(), { backstopMs: 0, persistent: true }),
    watchFolders(
      [paths.agents, paths.spark],
      () => {
        hold = undefined;
        pause.poke();
        outbound.poke();
        inbound.wake();
      },
      { backstopMs: 0, persistent: true },
    ),
  ];
  const beat = setInterval(() => {
    hold = undefined;
    saveStatus();
    if (hub) void presence.beat(hub.presence);
    outbound.poke();
    inbound.wake();
  }, settings.heartbeatMs);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(beat);
      await Promise.all(watchers.map((w) => w.close()));
      pause.stop();
      await Promise.all([outbound.stop(), inbound.stop()]);
      await presence.leave(hub?.presence);
      hub = undefined;
      await link.stop();
      releaseClaimed(paths, id);
      removeRelayStatus(paths, id);
      report({ type: "stopped" });
    })();
    return stopping;
  };
  return {
    done,
    async stop() {
      await stop();
      finish(0);
    },
  };
}
