import { wakeableSleep } from "../../bus/wakeable-sleep.js";
import { createSseParser, type SseMessage } from "../bridge/sse-wire.js";
import type { BridgeApi } from "./api.js";

/**
 * The bridge's event stream over `fetch` (not EventSource: that one gives up for good on a
 * 503 while a restarted bridge is starting, and cannot send a bearer token). Reconnects with
 * `Last-Event-ID`, so a short drop replays what was missed; tells its owner when it must read
 * the state again instead (a `reset`: a new bridge, or an id too old for its ring), or when
 * the bridge says events were lost (`gap`). Runs in browsers and Node alike.
 */

export type StreamState = "connecting" | "live" | "down" | "refused";

/** Why the owner must read the state again. */
export type Resync = { kind: "reset"; reason: string } | { kind: "gap"; from: string; to: string };

export interface StreamHandlers {
  /** Every event but `hello`, `reset` and `gap`, its data parsed. */
  onEvent(event: string, data: unknown, id: string | undefined): void;
  onState(state: StreamState, detail: string): void;
  onResync(resync: Resync): void;
}

export interface StreamOptions {
  /** Where to resume: the `eventId` of the state read first. */
  lastEventId?: string | undefined;
  /** Waits between reconnects, in turn (the last one repeats). */
  backoffMs?: readonly number[];
}

export interface BridgeStream {
  lastEventId(): string | undefined;
  close(): void;
}

/** Opens the stream and keeps it open until `close()` (or until the bridge refuses the token). */
export function openBridgeStream(api: BridgeApi, handlers: StreamHandlers, options: StreamOptions = {}): BridgeStream {
  const backoff = options.backoffMs ?? [250, 500, 1000, 2000];
  let lastId = options.lastEventId;
  let boot: string | undefined;
  let closed = false;
  let controller: AbortController | undefined;
  const { sleep, wake } = wakeableSleep();

  /** Handles one chunk's events; a restart with nothing to resume from is a reset of its own. */
  const handle = (messages: SseMessage[]) => {
    let restarted: string | undefined;
    for (const m of messages) {
      if (m.id !== undefined) lastId = m.id;
      const data = parse(m.data);
      if (m.event === "hello") {
        const said = (data as { boot?: unknown }).boot;
        if (typeof said === "string") {
          if (boot !== undefined && said !== boot) restarted = said;
          boot = said;
        }
        handlers.onState("live", "");
      } else if (m.event === "reset") {
        restarted = undefined;
        const d = data as { reason?: unknown; lastEventId?: unknown };
        // Resume from the new bridge's present, not from an id it never issued.
        lastId = typeof d.lastEventId === "string" ? d.lastEventId : undefined;
        handlers.onResync({ kind: "reset", reason: typeof d.reason === "string" ? d.reason : "reset" });
      } else if (m.event === "gap") {
        const d = data as { from?: unknown; to?: unknown };
        handlers.onResync({ kind: "gap", from: String(d.from ?? "?"), to: String(d.to ?? "?") });
      } else {
        handlers.onEvent(m.event, data, m.id);
      }
    }
    if (restarted !== undefined) handlers.onResync({ kind: "reset", reason: "the bridge restarted" });
  };

  const connectOnce = async (): Promise<"again" | "stop"> => {
    controller = new AbortController();
    const headers: Record<string, string> = { ...api.headers, accept: "text/event-stream" };
    if (lastId !== undefined) headers["last-event-id"] = lastId;
    const response = await fetch(`${api.base}/starter/events`, {
      headers,
      signal: controller.signal,
      credentials: "same-origin",
    });
    if (response.status === 401 || response.status === 403) {
      handlers.onState("refused", "the bridge refused the token (log in again)");
      return "stop";
    }
    if (response.status !== 200 || !response.body) {
      handlers.onState("down", `the bridge answered ${response.status}`);
      await response.body?.cancel();
      return "again";
    }
    const parser = createSseParser();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      handle(parser.push(decoder.decode(value, { stream: true })));
    }
    handlers.onState("down", "the bridge closed the stream");
    return "again";
  };

  void (async () => {
    let attempt = 0;
    while (!closed) {
      handlers.onState("connecting", attempt === 0 ? "" : `retry ${attempt}`);
      let outcome: "again" | "stop" = "again";
      const before = Date.now();
      try {
        outcome = await connectOnce();
      } catch (error) {
        if (closed) break;
        handlers.onState("down", (error as Error)?.message ?? String(error));
      }
      if (outcome === "stop" || closed) break;
      // A stream that lived a while starts the backoff over.
      attempt = Date.now() - before > 5000 ? 1 : attempt + 1;
      await sleep(backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1000);
    }
  })();

  return {
    lastEventId: () => lastId,
    close() {
      closed = true;
      controller?.abort();
      wake();
    },
  };
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return {};
  }
}
