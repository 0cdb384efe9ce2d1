import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";

/** One scripted model turn: optional text, then optionally a tool call. */
interface ReplayTurn {
  text?: string;
  tool?: { name: string; args: Record<string, unknown> };
}

/** The fix of examples/hello-app's bug, as a model would make it. Used only under --replay. */
export const HELLO_APP_FIX: ReplayTurn[] = [
  {
    text: "[REPLAY] The stack points at features/create-user.js: a one-word name has no last name.",
    tool: {
      name: "edit",
      args: {
        path: "features/create-user.js",
        edits: [{ oldText: "last.toUpperCase()", newText: '(last ?? "").toUpperCase()' }],
      },
    },
  },
  {
    text:
      "[REPLAY] Fixed create-user: `last.toUpperCase()` threw when the name had no last name; it now uses an " +
      "empty one. (This fix was replayed from a script, not written by a live model.)",
  },
];

/** The replay model as the sidecar's --model. */
export const REPLAY_MODEL = "replay/scripted-fix";

/** A replay model server: loopback only, bearer token required. */
export interface ReplayModel {
  baseUrl: string;
  apiKey: string;
  close(): Promise<void>;
}

/**
 * Serves a fixed script over the chat-completions wire format Pi speaks, so `manifest demo
 * --replay` can show the whole story without a real model; each request takes the next turn.
 */
export async function startReplayModel(turns: ReplayTurn[] = HELLO_APP_FIX): Promise<ReplayModel> {
  const apiKey = randomBytes(16).toString("hex");
  let n = 0;
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      res.writeHead(401).end();
      return;
    }
    await drain(req);
    const turn = turns[Math.min(n, turns.length - 1)] as ReplayTurn;
    n++;
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: `replay-${n}`, object: "chat.completion.chunk", created: 0, model: "scripted-fix", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(chunk({ role: "assistant", content: turn.text ?? "" }));
    if (turn.tool) {
      const call = {
        index: 0,
        id: `call_${n}`,
        type: "function",
        function: { name: turn.tool.name, arguments: JSON.stringify(turn.tool.args) },
      };
      res.write(chunk({ tool_calls: [call] }));
    }
    res.write(chunk({}, turn.tool ? "tool_calls" : "stop"));
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** models.json for a Pi agent folder that knows the replay model as `replay/scripted-fix`. */
export function replayModelsJson(model: Pick<ReplayModel, "baseUrl" | "apiKey">): string {
  return JSON.stringify(
    {
      providers: {
        replay: {
          baseUrl: model.baseUrl,
          api: "openai-completions",
          apiKey: model.apiKey,
          compat: { supportsDeveloperRole: false, supportsStore: false },
          models: [{ id: "scripted-fix", name: "REPLAY (scripted fix, not a live model)", input: ["text"] }],
        },
      },
    },
    null,
    2,
  );
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.resume();
    req.on("end", () => resolve());
  });
}
