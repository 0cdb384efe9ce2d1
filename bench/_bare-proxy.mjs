// A floor of the bridge's proxy figures (forked by bridge.bench.mjs): the least a reverse
// proxy in its own process does, node:http forwarding each request over kept-alive
// connections and piping the answer back. What any proxy hop costs, whoever wrote it.
import { Agent, createServer, request } from "node:http";

const [targetPort] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const server = createServer((req, res) => {
  const upstream = request(
    { host: "127.0.0.1", port: Number(targetPort), method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => res.writeHead(502).end());
  req.pipe(upstream);
});
process.on("message", (m) => {
  if (m === "stop") process.exit(0);
});
server.listen(0, "127.0.0.1", () => process.send?.({ kind: "ready", port: server.address().port }));
