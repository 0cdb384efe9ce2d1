import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaultPlan } from "./faults.js";

/**
 * A Sprite's own URL: a listener on 127.0.0.1 that forwards each HTTP request to the port of
 * the service declared with `http_port` (the real URL's routing), or answers 502 when there
 * is none or it does not answer. An armed URL fault answers instead.
 */
export async function startSpriteUrl(
  targetPort: () => number | undefined,
  faults?: FaultPlan,
  onRequest: () => void = () => {},
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    // A hit wakes a cold Sprite; its services are only starting, so this one may get a 502.
    onRequest();
    const fault = faults?.takeUrl();
    if (fault) {
      req.resume();
      res.writeHead(fault.status, { "Content-Type": "text/plain" }).end(fault.body ?? "injected fault\n");
      return;
    }
    const port = targetPort();
    const fail = (why: string) => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
      res.end(`${why}\n`);
    };
    if (port === undefined) return fail("no service with an http_port in this Sprite");
    const upstream = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => fail(`the service on port ${port} is not answering`));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
