import type { HoldState } from "../../bus/effective-pause.js";
import type { RunFact } from "../../bus/runs.js";
import type { AgentView } from "../../bus/snapshot.js";
import type { EventListing } from "../bridge/spark-events.js";
import { type BridgeApi, BridgeApiError } from "../bridge-client/api.js";
import { itemOfPiEvent, itemsOfMessages, type WireMessage } from "../bridge-client/conversation-seed.js";
import { openBridgeStream, type StreamState } from "../bridge-client/stream.js";
import type { HostItem } from "../host.js";
import type { WatchOnly } from "../watch-only.js";
import { remoteEvents, remoteFacts } from "./bridge-feeds.js";
import { detailOfListing } from "./bridge-wire.js";
import type { DashboardSource } from "./source.js";

type Handler = (data: unknown) => void;

/**
 * The dashboard over a remote bridge (`manifest attach`): the state read once, then its event
 * stream; every key that acts (send, pause, abort) is a call to the API. Resolves once the
 * bridge has answered, so a wrong URL or token fails before the screen opens.
 */
export async function connectBridgeSource(api: BridgeApi): Promise<DashboardSource> {
  const [state, spark, messages] = await Promise.all([
    api.get<StateJson>("/starter/state"),
    api.get<SparkJson>("/starter/spark"),
    api.get<{ messages: WireMessage[] }>("/starter/messages?limit=200"),
  ]);
  let busy = state.status === "working";
  let pausedBy = spark.pausedBy ?? undefined;

  const handlers = new Map<string, Set<Handler>>();
  const on = (event: string, handler: Handler) => {
    const set = handlers.get(event) ?? new Set<Handler>();
    set.add(handler);
    handlers.set(event, set);
    return () => set.delete(handler);
  };
  const emit = (event: string, data: unknown) => {
    for (const handler of handlers.get(event) ?? []) handler(data);
  };

  const listeners = new Set<(item: HostItem) => void>();
  const seed: HostItem[] = [
    { kind: "notice", level: "info", text: `attached to ${api.base} (bridge ${state.versions?.bridge ?? "?"})` },
    ...itemsOfMessages(messages.messages),
  ];
  const say = (item: HostItem) => {
    for (const listener of listeners) listener(item);
  };
  const fail = (error: unknown) =>
    say({ kind: "notice", level: "error", text: (error as Error)?.message ?? String(error) });

  on("pi", (data) => {
    const type = (data as { type?: unknown }).type;
    if (type === "agent_start") busy = true;
    if (type === "agent_end") busy = false;
    const item = itemOfPiEvent(data);
    if (item) say(item);
  });
  on("notice", (data) => {
    const d = data as { level?: "info" | "warning" | "error"; text?: unknown };
    say({ kind: "notice", level: d.level ?? "info", text: String(d.text ?? "") });
  });
  on("status", (data) =>
    say({ kind: "status", text: ((data as { text?: string | null }).text ?? undefined) || undefined }),
  );
  on("pause", (data) => {
    pausedBy = (data as { pausedBy?: string | null }).pausedBy ?? undefined;
  });

  let last: StreamState = "connecting";
  const stream = openBridgeStream(
    api,
    {
      onEvent: (event, data) => emit(event, data),
      onState: (now, detail) => {
        if (now === "down" && last === "live")
          say({ kind: "notice", level: "warning", text: `lost the bridge (${detail}): reconnecting…` });
        if (now === "live" && last !== "live" && last !== "connecting")
          say({ kind: "notice", level: "info", text: "reconnected to the bridge" });
        if (now === "refused")
          say({ kind: "notice", level: "error", text: `${detail}: check the token, then attach again` });
        if (now !== "connecting") last = now;
      },
      onResync: (why) => {
        if (why.kind === "gap") say({ kind: "notice", level: "warning", text: `missed events ${why.from}…${why.to}` });
        else say({ kind: "notice", level: "info", text: `${why.reason}: reading its state again` });
        emit("resync", why);
      },
    },
    { lastEventId: spark.eventId ?? undefined },
  );

  return {
    facts: {
      environment: state.environment,
      behavior: state.behavior,
      model: state.model ?? undefined,
      watchOnly: state.watchOnly ?? undefined,
      // Nothing on the remote machine is this process.
      pid: -1,
    },
    busy: () => busy,
    subscribe(listener) {
      for (const item of seed) listener(item);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(text) {
      void api
        .post("/starter/prompt", busy ? { message: text, streamingBehavior: "steer" } : { message: text })
        .catch(fail);
    },
    async togglePause(by) {
      if (pausedBy) {
        await api.post("/starter/spark/resume");
        pausedBy = undefined;
        return "resumed";
      }
      await api.post("/starter/spark/pause", { by, reason: "paused from manifest attach" });
      pausedBy = by;
      return "paused";
    },
    abort: async () => {
      await api.post("/starter/abort");
    },
    async answer(id, answer, by) {
      try {
        const done = await api.post<{ request?: { tool?: string; summary?: string } }>(
          `/starter/spark/approvals/${encodeURIComponent(id)}/${answer}`,
          { by },
        );
        const what = `${done.request?.tool ?? ""} ${done.request?.summary ?? ""}`.trim();
        return { ok: true, text: `${answer === "approve" ? "✔ approved" : "✖ denied"} ${what}` };
      } catch (error) {
        // Unknown or already settled: the bridge's words are the answer.
        if (error instanceof BridgeApiError && error.status >= 400 && error.status < 500)
          return { ok: false, text: error.message };
        throw error;
      }
    },
    startFacts: (onChange, onError) => remoteFacts(api, on, onChange, onError),
    startEvents: (board, onChange, onRunEvent, onError) => remoteEvents(api, on, board, onChange, onRunEvent, onError),
    async eventDetail(entry) {
      try {
        return detailOfListing(
          entry,
          await api.get<EventListing>(`/starter/spark/events/${encodeURIComponent(entry.id)}`),
        );
      } catch (error) {
        if (error instanceof BridgeApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    async logTail(log) {
      return [`The run's log is on the machine that runs the sidecar: ${log}`, "(the bridge does not serve logs)"];
    },
    async close() {
      stream.close();
    },
    closing: "detaching from the bridge (the remote sidecar keeps running)…",
  };
}

interface StateJson {
  environment: string;
  behavior: string;
  model: string | null;
  status: string;
  watchOnly: WatchOnly | null;
  versions?: { bridge?: string };
}

interface SparkJson {
  eventId: string | null;
  hold: HoldState;
  pausedBy: string | null;
  agents: AgentView[];
  runs: RunFact[];
}
