import { cpSync, lstatSync, mkdtempSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { readBody } from "./fs-api.js";
import type { FakeSprite } from "./sprite-store.js";

type Reply = (status: number, body: unknown) => void;

/**
 * `POST …/checkpoint` (a copy of the Sprite's folder, streamed as NDJSON `info`, `complete`)
 * and `GET …/checkpoints`. Restore is not faked.
 */
export async function handleCheckpoints(
  sprite: FakeSprite,
  base: string,
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
): Promise<void> {
  if (req.method === "GET") {
    return reply(
      200,
      sprite.checkpoints.map(({ id, create_time, comment }) => ({ id, create_time, comment, is_auto: false })),
    );
  }
  let comment = "";
  try {
    comment = String((JSON.parse((await readBody(req)).toString() || "{}") as { comment?: unknown }).comment ?? "");
  } catch {
    return reply(400, { error: "bad_request", message: "the body must be JSON" });
  }
  const id = `v${sprite.checkpoints.length}`;
  const dir = mkdtempSync(join(base, `checkpoint-${sprite.name}-${id}-`));
  res.writeHead(200, { "Content-Type": "application/x-ndjson" });
  const line = (type: string, data: string) =>
    res.write(`${JSON.stringify({ type, data, time: new Date().toISOString() })}\n`);
  line("info", `Creating checkpoint ${id}`);
  // Sockets (the Tasks API's) are not files a checkpoint holds.
  cpSync(sprite.root, dir, { recursive: true, filter: (from) => !lstatSync(from).isSocket() });
  sprite.checkpoints.push({ id, create_time: new Date().toISOString(), comment, dir });
  line("complete", `Checkpoint ${id} created successfully`);
  res.end();
}
