import type { IncomingMessage, ServerResponse } from "node:http";
import { type ExecRequest, STREAM } from "./exec-ws.js";
import { exitCodeOf, type SpriteRuntime, signalGroup, startInSprite } from "./processes.js";

/**
 * `POST /v1/sprites/{name}/exec`: the request body is stdin, the streamed response carries
 * one `[type][payload]` frame per write (1 stdout, 2 stderr, 3 exit). Like the real protocol
 * it has no length prefix, so it relies on chunk boundaries surviving the trip. A client that
 * goes away takes the command with it.
 */
export function runExecHttp(req: IncomingMessage, res: ServerResponse, sprite: SpriteRuntime, request: ExecRequest) {
  const child = startInSprite(sprite, { argv: request.argv, dir: request.dir, env: request.env });
  if (request.stdin) req.pipe(child.stdin as NodeJS.WritableStream);
  else child.stdin?.end();
  res.writeHead(200, { "Content-Type": "application/octet-stream" });
  const frame = (id: number) => (chunk: Buffer) => res.write(Buffer.concat([Buffer.from([id]), chunk]));
  child.stdout?.on("data", frame(STREAM.stdout));
  child.stderr?.on("data", frame(STREAM.stderr));
  child.on("close", (code, signal) => {
    res.end(Buffer.from([STREAM.exit, exitCodeOf(code, signal) & 0xff]));
  });
  res.on("close", () => {
    if (!res.writableFinished) signalGroup(child, "SIGKILL");
  });
}
