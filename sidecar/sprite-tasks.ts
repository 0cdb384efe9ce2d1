import { statSync } from "node:fs";
import { request } from "node:http";

/** Where a Sprite serves its management API, inside the Sprite. */
export const SPRITE_API_SOCKET = "/.sprite/api.sock";

/**
 * The Sprite's management socket, or undefined when there is none (a laptop, a container):
 * then nothing is kept awake and nothing is said. `SPARK_SPRITE_API_SOCKET` names another
 * place (the tests' fake Sprites, whose `/` is the host's).
 */
export function findSpriteApiSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.SPARK_SPRITE_API_SOCKET || SPRITE_API_SOCKET;
  try {
    return statSync(path).isSocket() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The Tasks API of a Sprite: a named task holds the Sprite awake until it expires or is deleted. */
export interface SpriteTasks {
  /** Creates the task, or refreshes it: it lives `expireSeconds` from now. */
  hold(name: string, expireSeconds: number): Promise<void>;
  /** Deletes the task; one already gone (expired) is fine. */
  release(name: string): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
}

/**
 * A client of the Tasks API over the Sprite's unix socket (`/v1/tasks`, docs.sprites.dev's
 * "keeping Sprites running"). A hold is `PUT /v1/tasks/:name` (create or refresh), falling
 * back to `POST /v1/tasks` where PUT is not known: a sidecar that restarts after a crash finds
 * its old task there, and must not fail on "it exists". Every call gives up after `timeoutMs`:
 * a hung socket never holds the sidecar up.
 */
export function spriteTasks(socket: string, timeoutMs = 5000): SpriteTasks {
  const call = (method: string, path: string, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: socket,
          method,
          path,
          headers: payload === undefined ? {} : { "content-type": "application/json" },
          timeout: timeoutMs,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            if (text.length < 2000) text += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  const path = (name: string) => `/v1/tasks/${encodeURIComponent(name)}`;
  const fail = (what: string, answer: Answer) =>
    new Error(`${what} answered ${answer.status}${answer.body ? `: ${oneLine(answer.body)}` : ""}`);

  return {
    async hold(name, expireSeconds) {
      const put = await call("PUT", path(name), { expire: expireSeconds });
      if (put.status === 200 || put.status === 201) return;
      if (put.status !== 404 && put.status !== 405) throw fail(`PUT ${path(name)}`, put);
      const post = await call("POST", "/v1/tasks", { name, expire: expireSeconds });
      if (post.status !== 200 && post.status !== 201) throw fail("POST /v1/tasks", post);
    },
    async release(name) {
      const answer = await call("DELETE", path(name));
      if (answer.status !== 200 && answer.status !== 204 && answer.status !== 404)
        throw fail(`DELETE ${path(name)}`, answer);
    },
  };
}

/** An error body on one short line: it goes into a notice. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
