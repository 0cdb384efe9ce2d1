// The floor of the bridge's stream figures (forked by bridge.bench.mjs): the least a process
// that streams a model's tokens to browsers must do. On "go" it reads the model's streaming
// completion and writes each delta to every client as an SSE event (JSON parsed and
// serialised, as the bridge does), keeping the frames; `GET /?replay=N` writes the last N
// frames at once, as a resuming client gets them. Also the app of the proxy figures:
// `GET /app` answers a small JSON body.
import { createServer, request } from "node:http";

const clients = new Set();
const frames = [];
let seq = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/app") {
    const body = '{"ok":true,"message":"hello from the app"}';
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const replay = Number(url.searchParams.get("replay") ?? 0);
  res.write(`event: hello\ndata: {}\n\n${replay > 0 ? frames.slice(-replay).join("") : ""}`);
  clients.add(res);
  res.once("close", () => clients.delete(res));
});

function relay({ url, apiKey }) {
  const req = request(url, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
  });
  req.on("response", (res) => {
    let buffer = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => {
      buffer += chunk;
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        const data = block.startsWith("data: ") ? block.slice(6) : "";
        if (data === "" || data === "[DONE]") continue;
        const delta = JSON.parse(data).choices?.[0]?.delta?.content;
        if (!delta) continue;
        const event = { type: "message_update", assistantMessageEvent: { type: "text_delta", delta, contentIndex: 0 } };
        const frame = `id: bare-${++seq}\nevent: pi\ndata: ${JSON.stringify(event)}\n\n`;
        frames.push(frame);
        if (frames.length > 1000) frames.shift();
        for (const client of clients) client.write(frame);
      }
    });
  });
  req.end(JSON.stringify({ model: "bench", stream: true, messages: [{ role: "user", content: "go" }] }));
}

process.on("message", (m) => {
  if (m?.kind === "go") relay(m);
  if (m === "stop") process.exit(0);
});
server.listen(0, "127.0.0.1", () => process.send?.({ kind: "ready", port: server.address().port }));
