import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";

/** One scripted model turn: some text, then optionally a tool call; or an HTTP error (a provider that is down). */
export interface ScriptedTurn {
  text?: string;
  tool?: { name: string; args: Record<string, unknown> };
  error?: { status: number; message: string };
}

/** The parts of Pi's chat-completions request a script may look at. */
export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: unknown; tool_call_id?: string }>;
  tools?: Array<{ function: { name: string } }>;
}

/** A running scripted model server. */
export interface ScriptedModel {
  /** `http://127.0.0.1:<port>/v1`, for models.json. */
  baseUrl: string;
  /** The bearer token every request must carry. */
  apiKey: string;
  /** Every request received, in order. */
  requests: ChatRequest[];
  /** A models.json that knows this server as `<provider>/<modelId>`. */
  modelsJson(provider: string, modelId: string, name?: string): string;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 that answers each request with
 * the turn `next` gives, in the streaming wire format Pi's `openai-completions` API reads
 * (SSE chunks; a tool call's arguments split across two chunks, as real servers do).
 * Requests without the bearer token get a 401: anything that listens needs a token.
 */
export async function startScriptedModel(next: (request: ChatRequest) => ScriptedTurn): Promise<ScriptedModel> {
  const apiKey = randomBytes(16).toString("hex");
  const requests: ChatRequest[] = [];
  let n = 0;
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad token"}}');
      return;
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    let request: ChatRequest;
    try {
      request = JSON.parse(await readBody(req)) as ChatRequest;
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad JSON"}}');
      return;
    }
    requests.push(request);
    const turn = next(request);
    n++;
    if (turn.error) {
      res
        .writeHead(turn.error.status, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: turn.error.message, type: "server_error" } }));
      return;
    }
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: `scripted-${n}`, object: "chat.completion.chunk", created: 0, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk({ role: "assistant", content: turn.text ?? "" }));
    if (turn.tool) {
      const args = JSON.stringify(turn.tool.args);
      const half = Math.ceil(args.length / 2);
      const call = (part: Record<string, unknown>) => chunk({ tool_calls: [{ index: 0, ...part }] });
      res.write(
        call({ id: `call_${n}`, type: "function", function: { name: turn.tool.name, arguments: args.slice(0, half) } }),
      );
      res.write(call({ function: { arguments: args.slice(half) } }));
    }
    res.write(chunk({}, turn.tool ? "tool_calls" : "stop"));
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  return {
    baseUrl,
    apiKey,
    requests,
    modelsJson: (provider, modelId, name) =>
      JSON.stringify(
        {
          providers: {
            [provider]: {
              baseUrl,
              api: "openai-completions",
              apiKey,
              compat: { supportsDeveloperRole: false, supportsStore: false },
              models: [{ id: modelId, name: name ?? modelId, input: ["text"], contextWindow: 128000, maxTokens: 4096 }],
            },
          },
        },
        null,
        2,
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (c: Buffer) => {
      data += c.toString();
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
