import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { formatSse } from "../sidecar/bridge/sse-wire.js";
import { BridgeApiError, createBridgeApi } from "../sidecar/bridge-client/api.js";
import { openBridgeStream, type Resync, type StreamState } from "../sidecar/bridge-client/stream.js";
import { waitFor } from "./helpers/processes.js";

/**
 * The fetch-based stream client against a real HTTP server on loopback that plays the
 * bridge's part: hello, events with ids, a drop, a 503 while "starting", a new boot, a 401.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const hello = (boot: string) => formatSse({ event: "hello", data: JSON.stringify({ boot }) });
const event = (id: string, n: number) => formatSse({ id, event: "bus", data: JSON.stringify({ n }) });

function recorder() {
  const events: Array<{ data: unknown; id: string | undefined }> = [];
  const states: StreamState[] = [];
  const resyncs: Resync[] = [];
  return {
    events,
    states,
    resyncs,
    handlers: {
      onEvent: (_e: string, data: unknown, id: string | undefined) => events.push({ data, id }),
      onState: (s: StreamState) => states.push(s),
      onResync: (r: Resync) => resyncs.push(r),
    },
  };
}

describe("the bridge stream client", () => {
  it("reconnects after a drop (and a 503 while starting) with Last-Event-ID and the bearer token", async () => {
    const seen: Array<{ lastId: string | undefined; auth: string | undefined }> = [];
    let calls = 0;
    const base = await serve((req, res) => {
      calls++;
      seen.push({ lastId: req.headers["last-event-id"] as string | undefined, auth: req.headers.authorization });
      if (calls === 2) return void res.writeHead(503).end("starting");
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (calls === 1) res.end(hello("b1") + event("b1-1", 1) + event("b1-2", 2));
      else res.write(hello("b1") + event("b1-3", 3));
    });
    const r = recorder();
    const stream = openBridgeStream(createBridgeApi(base, "tok"), r.handlers, { backoffMs: [20] });
    await waitFor(() => r.events.length === 3, "three events");
    stream.close();
    expect(r.events.map((e) => e.id)).toEqual(["b1-1", "b1-2", "b1-3"]);
    expect(seen.map((s) => s.lastId)).toEqual([undefined, "b1-2", "b1-2"]);
    expect(seen.every((s) => s.auth === "Bearer tok")).toBe(true);
    expect(r.states).toContain("down");
    expect(r.resyncs).toEqual([]);
    expect(stream.lastEventId()).toBe("b1-3");
  });

  it("a new boot is a reset, whether the bridge says so or only its hello does", async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (calls === 1) res.end(hello("b1") + event("b1-1", 1));
      else if (calls === 2)
        res.end(
          hello("b2") +
            formatSse({ event: "reset", data: JSON.stringify({ reason: "new boot", lastEventId: "b2-5" }) }),
        );
      else res.write(hello("b3"));
    });
    const r = recorder();
    const stream = openBridgeStream(createBridgeApi(base), r.handlers, { backoffMs: [20] });
    await waitFor(() => r.resyncs.length === 2, "two resyncs");
    stream.close();
    expect(r.resyncs).toEqual([
      { kind: "reset", reason: "new boot" },
      { kind: "reset", reason: "the bridge restarted" },
    ]);
  });

  it("stops for good when the token is refused, and says so", async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"no"}');
    });
    const r = recorder();
    openBridgeStream(createBridgeApi(base, "wrong"), r.handlers, { backoffMs: [10] });
    await waitFor(() => r.states.includes("refused"), "refused");
    await new Promise((res) => setTimeout(res, 100));
    expect(calls).toBe(1);
  });

  it("API errors carry the bridge's own message and status", async () => {
    const base = await serve((_req, res) => {
      res.writeHead(409, { "content-type": "application/json" }).end('{"error":"the agent is working"}');
    });
    const error = await createBridgeApi(base)
      .post("/starter/prompt", { message: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeApiError);
    expect(error).toMatchObject({ status: 409, message: "the agent is working" });
    const down = await createBridgeApi("http://127.0.0.1:1")
      .get("/starter/state")
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ status: 0 });
    expect((down as Error).message).toMatch(/cannot reach the bridge at http:\/\/127\.0\.0\.1:1/);
  });
});
