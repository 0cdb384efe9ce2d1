import { describeHold, type HoldState } from "../../bus/effective-pause.js";
import type { BridgeApi } from "../bridge-client/api.js";
import { itemOfPiEvent, itemsOfMessages, type WireMessage } from "../bridge-client/conversation-seed.js";
import { openBridgeStream, type Resync } from "../bridge-client/stream.js";
import { createConversationLog } from "../dashboard/conversation-log.js";
import type { BusWireLike, ListingLike } from "./event-list.js";
import type { AgentWire, ApprovalWire, InspectView, SparkView, Store } from "./store.js";

/**
 * Feeds the page's store from the bridge: reads the state once (and again after a `reset`),
 * then follows the event stream from the id that state was read at. Every action (pause,
 * prompt, abort) is a call to the API; what it changed comes back through the stream.
 */
export interface Controller {
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** A prompt when the agent is idle, steering while it works. */
  send(text: string): Promise<void>;
  abort(): Promise<void>;
  /** Answers a tool call that waits for a yes. */
  answer(id: string, answer: "approve" | "deny"): Promise<void>;
  /** One event whole (redacted when it was written). */
  eventDetail(id: string): Promise<unknown>;
  close(): void;
}

const TOAST_MS = 6000;

export function startController(api: BridgeApi, store: Store): Controller {
  let toastId = 0;
  const say = (error: unknown) => {
    store.notice.value = (error as Error)?.message ?? String(error);
  };

  /** Reads everything the stream only sends changes of. Returns the id to follow from. */
  const load = async (): Promise<string | undefined> => {
    const [spark, state, listing, messages, approvals] = await Promise.all([
      api.get<SparkJson>("/starter/spark"),
      api.get<StateJson>("/starter/state"),
      api.get<{ events: ListingLike[] }>("/starter/spark/events?limit=500"),
      api.get<{ messages: WireMessage[] }>("/starter/messages?limit=200"),
      api.get<{ approvals: ApprovalWire[] }>("/starter/spark/approvals"),
    ]);
    store.approvals.value = approvals.approvals.filter((a) => a.state === "pending");
    store.spark.value = {
      enabled: spark.enabled,
      environment: spark.environment,
      behavior: spark.behavior,
      status: spark.status,
      held: spark.held,
      hold: spark.hold,
      pausedBy: spark.pausedBy,
      watchOnly: spark.watchOnly,
      agents: spark.agents,
    };
    store.agent.value = { model: state.model, working: state.status === "working", app: state.app };
    store.events.reset(listing.events);
    store.eventsVersion.value++;
    const log = createConversationLog();
    for (const item of itemsOfMessages(messages.messages)) log.apply(item);
    store.log = log;
    store.logVersion.value++;
    void loadInspect();
    // The oldest of the ids these were read at: replaying a little twice is harmless.
    return spark.eventId ?? undefined;
  };

  const loadInspect = async () => {
    try {
      const db = await api.get<Omit<Extract<InspectView, { ok: true }>, "ok">>("/starter/inspect");
      store.inspect.value = { ok: true, ...db };
    } catch (error) {
      store.inspect.value = { ok: false, message: (error as Error).message };
    }
  };

  const patchSpark = (patch: Partial<SparkView>) => {
    if (store.spark.value) store.spark.value = { ...store.spark.value, ...patch };
  };

  const onEvent = (event: string, data: unknown) => {
    const d = data as Record<string, unknown>;
    switch (event) {
      case "pi": {
        const type = d.type;
        if (type === "agent_start" || type === "agent_end") {
          const agent = store.agent.value;
          if (agent) store.agent.value = { ...agent, working: type === "agent_start" };
        }
        const item = itemOfPiEvent(data);
        if (item && store.log.apply(item)) store.logVersion.value++;
        return;
      }
      case "notice":
        store.log.apply({ kind: "notice", level: d.level as "info", text: String(d.text) });
        store.logVersion.value++;
        return;
      case "status":
        patchSpark({ status: (d.text as string | null) ?? null });
        return;
      case "bus":
        if (store.events.apply(data as BusWireLike)) store.eventsVersion.value++;
        return;
      case "pause":
        patchSpark({
          held: d.held === true,
          hold: d.hold as HoldState,
          pausedBy: (d.pausedBy as string | null) ?? null,
        });
        return;
      case "agents":
        patchSpark({ agents: d.agents as AgentWire[] });
        return;
      case "approvals":
        store.approvals.value = (d.pending as ApprovalWire[] | undefined) ?? [];
        return;
      case "notification": {
        const id = ++toastId;
        store.toasts.value = [...store.toasts.value, { id, type: String(d.type), message: String(d.message) }];
        setTimeout(() => {
          store.toasts.value = store.toasts.value.filter((t) => t.id !== id);
        }, TOAST_MS);
        if (d.refreshIframe === true) store.frameKey.value++;
        return;
      }
      case "config":
      case "app":
        void api.get<StateJson>("/starter/state").then((state) => {
          store.agent.value = { model: state.model, working: state.status === "working", app: state.app };
        }, say);
        return;
    }
  };

  let stream: ReturnType<typeof openBridgeStream> | undefined;
  let closed = false;
  let resyncing: Promise<unknown> | undefined;
  const resync = (why: Resync) => {
    if (why.kind === "gap") store.notice.value = `missed events ${why.from} to ${why.to}: read the state again`;
    if (resyncing) return;
    resyncing = load()
      .catch(say)
      .finally(() => {
        resyncing = undefined;
      });
  };

  void load().then(
    (eventId) => {
      if (closed) return;
      stream = openBridgeStream(
        api,
        {
          onEvent,
          onState: (state, detail) => {
            store.connection.value = { state, detail };
            if (state === "refused") location.assign(`/starter/login?next=${encodeURIComponent(location.pathname)}`);
          },
          onResync: resync,
        },
        { lastEventId: eventId },
      );
    },
    (error) => {
      store.connection.value = { state: "down", detail: (error as Error).message };
      if ((error as { status?: number }).status === 401) location.assign("/starter/login?next=/starter/ui/");
    },
  );

  const act = async (run: () => Promise<unknown>) => {
    try {
      store.notice.value = undefined;
      await run();
    } catch (error) {
      say(error);
    }
  };

  return {
    pause: () =>
      act(() => api.post("/starter/spark/pause", { by: "browser dashboard", reason: "paused from the page" })),
    resume: () => act(() => api.post("/starter/spark/resume")),
    send: (text) =>
      act(() =>
        api.post(
          "/starter/prompt",
          store.agent.value?.working ? { message: text, streamingBehavior: "steer" } : { message: text },
        ),
      ),
    abort: () => act(() => api.post("/starter/abort")),
    answer: (id, answer) =>
      act(() => api.post(`/starter/spark/approvals/${encodeURIComponent(id)}/${answer}`, { by: "browser dashboard" })),
    eventDetail: (id) => api.get(`/starter/spark/events/${encodeURIComponent(id)}`),
    close() {
      closed = true;
      stream?.close();
    },
  };
}

/** What the page says about the hold (the words the terminal dashboard uses). */
export function holdText(spark: SparkView): string {
  return spark.held ? describeHold(spark.hold) : "not paused: events go to the agent as they come";
}

interface SparkJson extends SparkView {
  eventId: string | null;
}

interface StateJson {
  model: string | null;
  status: string;
  app: { port: number; proxied: boolean } | null;
}
