import type { ServerResponse } from "node:http";
import { createEventRing, type EventRing, type RingEvent } from "./sse-ring.js";
import { formatSse, formatSseComment } from "./sse-wire.js";

export interface SseHubOptions {
  bootTag: string;
  /** Events kept for replay (default 1,000). */
  capacity?: number;
  /** A comment line this often keeps proxies from idling connections out (default 15 s). */
  heartbeatMs?: number;
  /**
   * A client whose unsent output grows past this many bytes (beyond what its own replay
   * queued) is cut off: it reconnects with its last id and gets a replay, or a `gap`.
   */
  maxBufferedBytes?: number;
  /** Connections at most (default 1,000): beyond, a 503 says so. */
  maxClients?: number;
  /** What the first event of every connection says about this bridge. */
  hello: () => Record<string, unknown>;
}

/** The bridge's event stream: the ring of recent events and every connected client. */
export interface SseHub {
  readonly ring: EventRing;
  /** Records an event and sends it to every client. */
  publish(event: string, data: unknown): RingEvent;
  /** Streams to `res` from `lastEventId` on; false when there is no room for another client. */
  attach(res: ServerResponse, lastEventId: string | undefined): boolean;
  clients(): number;
  /** Clients cut off for being too slow, since the start. */
  cutOff(): number;
  /** Ends every stream (clients reconnect to the next bridge and get a `reset`). */
  close(): void;
}

interface Client {
  res: ServerResponse;
  /** What the replay queued at connect time: allowed on top of the limit until the first drain. */
  allowance: number;
}

export function createSseHub(options: SseHubOptions): SseHub {
  const ring = createEventRing(options.bootTag, options.capacity ?? 1000);
  const limit = options.maxBufferedBytes ?? 1024 * 1024;
  const maxClients = options.maxClients ?? 1000;
  const clients = new Set<Client>();
  let cutOff = 0;

  const send = (client: Client, frame: string) => {
    if (client.res.destroyed) return;
    client.res.write(frame);
    if (client.res.writableLength > client.allowance + limit) {
      // Not ended gracefully: a slow reader would take as long to read a goodbye as the backlog.
      cutOff++;
      clients.delete(client);
      client.res.destroy();
    }
  };

  const heartbeat = setInterval(() => {
    const frame = formatSseComment("hb");
    for (const client of clients) send(client, frame);
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    ring,
    publish(event, data) {
      const entry = ring.push(event, JSON.stringify(data));
      const frame = formatSse(entry);
      for (const client of clients) send(client, frame);
      return entry;
    },
    attach(res, lastEventId) {
      if (clients.size >= maxClients) return false;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // nginx and some other proxies buffer responses unless told not to.
        "x-accel-buffering": "no",
      });
      const plan = ring.resume(lastEventId);
      let out = `retry: 2000\n${formatSse({ event: "hello", data: JSON.stringify(options.hello()) })}`;
      if (plan.kind === "reset") {
        out += formatSse({
          event: "reset",
          data: JSON.stringify({ boot: ring.bootTag, lastEventId: ring.lastId(), reason: plan.reason }),
        });
      } else if (plan.kind === "gap") {
        out += formatSse({ event: "gap", data: JSON.stringify({ boot: ring.bootTag, from: plan.from, to: plan.to }) });
      }
      if (plan.kind === "replay" || plan.kind === "gap") for (const e of plan.events) out += formatSse(e);
      res.write(out);
      const client: Client = { res, allowance: res.writableLength };
      res.once("drain", () => {
        client.allowance = 0;
      });
      clients.add(client);
      res.once("close", () => clients.delete(client));
      return true;
    },
    clients: () => clients.size,
    cutOff: () => cutOff,
    close() {
      clearInterval(heartbeat);
      for (const client of clients) client.res.end();
      clients.clear();
    },
  };
}
