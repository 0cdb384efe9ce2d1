import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSseHub, type SseHub } from "../sidecar/bridge/sse-hub.js";
import { createSseParser, type SseMessage } from "../sidecar/bridge/sse-wire.js";
import { waitFor } from "./helpers/processes.js";

/** The event stream's hub over real sockets: heartbeats, slow clients, the client limit. */

let server: Server | undefined;
let hub: SseHub | undefined;
const sockets: Socket[] = [];
const aborts: AbortController[] = [];

afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  for (const s of sockets.splice(0)) s.destroy();
  hub?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  hub = undefined;
});

async function serve(options: Partial<Parameters<typeof createSseHub>[0]>): Promise<{ url: string; hub: SseHub }> {
  const made = createSseHub({ bootTag: "test", hello: () => ({ hi: true }), ...options });
  hub = made;
  server = createServer((req, res) => {
    const last = req.headers["last-event-id"];
    if (!made.attach(res, typeof last === "string" ? last : undefined)) res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hub: made };
}

/** A client that reads everything, as a browser's EventSource would. */
async function reader(url: string, lastEventId?: string) {
  const controller = new AbortController();
  aborts.push(controller);
  const response = await fetch(url, {
    headers: lastEventId ? { "last-event-id": lastEventId } : {},
    signal: controller.signal,
  });
  const parser = createSseParser();
  const got: SseMessage[] = [];
  void (async () => {
    try {
      for await (const chunk of response.body?.pipeThrough(new TextDecoderStream()) ?? [])
        got.push(...parser.push(chunk));
    } catch {}
  })();
  return { status: response.status, got, comments: () => parser.comments() };
}

/** A client that sends its request and then never reads a byte. */
function stalled(url: string): Socket {
  const { port } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  socket.write("GET / HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n");
  socket.pause();
  sockets.push(socket);
  return socket;
}

describe("the SSE hub", () => {
  it("sends a comment heartbeat to idle clients", async () => {
    const { url } = await serve({ heartbeatMs: 30 });
    const client = await reader(url);
    await waitFor(() => client.comments() >= 3, "three heartbeats", 5000);
    expect(client.got.map((m) => m.event)).toEqual(["hello"]);
  });

  it("cuts off a client that stops reading, so the server's memory stays bounded; the others get everything", async () => {
    const { url, hub } = await serve({ capacity: 100, maxBufferedBytes: 256 * 1024, heartbeatMs: 60_000 });
    const fast = await reader(url);
    stalled(url);
    await waitFor(() => hub.clients() === 2, "both clients attached", 5000);
    const payload = "x".repeat(1024);
    const ticksAt = (client: { got: SseMessage[] }) => client.got.filter((m) => m.event === "tick").length;
    // 16 MB in all: far more than the kernel's socket buffers can hide. The fast client reads
    // as it goes (it is paced, so the test does not depend on how busy the machine is).
    for (let i = 0; i < 16_000; i++) {
      hub.publish("tick", { i, payload });
      if (i % 50 === 49) await waitFor(() => ticksAt(fast) >= i - 50, "the fast client to keep up", 10_000, 1);
    }
    expect(hub.cutOff()).toBe(1);
    expect(hub.clients()).toBe(1);
    await waitFor(() => ticksAt(fast) === 16_000, "every tick at the fast client");
    const ticks = fast.got.filter((m) => m.event === "tick").map((m) => (JSON.parse(m.data) as { i: number }).i);
    expect(ticks).toEqual(Array.from({ length: 16_000 }, (_, i) => i));

    // Coming back with an id the ring has dropped: a gap with the lost range, then what remains.
    const back = await reader(url, "test-5");
    await waitFor(() => back.got.filter((m) => m.event === "tick").length === 100, "the ring's hundred", 5000);
    const gap = back.got.find((m) => m.event === "gap");
    expect(JSON.parse(gap?.data ?? "{}")).toMatchObject({ boot: "test", from: 6, to: 15_900 });
  });

  it("refuses a client beyond the limit with a 503", async () => {
    const { url } = await serve({ maxClients: 2 });
    await reader(url);
    await reader(url);
    expect((await reader(url)).status).toBe(503);
  });
});
