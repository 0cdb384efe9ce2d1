import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

/** One scripted model reply: a tool call, or text that ends the run. */
export type ScriptStep =
  | { tool: string; args: Record<string, unknown> }
  | { text: string }
  /** Decide from the request: the messages Pi sent so far. */
  | ((request: ChatRequest) => { tool: string; args: Record<string, unknown> } | { text: string });

/** The parts of Pi's chat-completions request that tests look at. */
export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: unknown; tool_call_id?: string }>;
  tools?: Array<{ function: { name: string } }>;
}

/** A mock OpenAI-compatible model server on 127.0.0.1 that replays a script. */
export interface MockModel {
  /** Base URL for models.json (`http://127.0.0.1:<port>/v1`). */
  baseUrl: string;
  /** The bearer token the server requires. */
  apiKey: string;
  /** Every request received, in order. */
  requests: ChatRequest[];
  /** Adds steps to the script. */
  push(...steps: ScriptStep[]): void;
  /** Steps not yet used. */
  remaining(): number;
  close(): Promise<void>;
}

/**
 * Starts the server. It speaks the streaming chat-completions wire format Pi's
 * `openai-completions` API uses (SSE chunks, tool calls split across chunks). Requests
 * without the bearer token get a 401; a request when the script is empty gets a plain
 * "(no more scripted replies)" text so a run ends instead of hanging.
 */
export async function startMockModel(steps: ScriptStep[] = []): Promise<MockModel> {
  const script = [...steps];
  const requests: ChatRequest[] = [];
  const apiKey = `mock-${randomBytes(8).toString("hex")}`;
  let calls = 0;
  const server: Server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad token"}}');
      return;
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatRequest;
    requests.push(body);
    const next = script.shift();
    const step = typeof next === "function" ? next(body) : (next ?? { text: "(no more scripted replies)" });
    calls++;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const id = `chatcmpl-${calls}`;
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    if ("tool" in step) {
      const args = JSON.stringify(step.args);
      const half = Math.ceil(args.length / 2);
      res.write(
        chunk({
          role: "assistant",
          content: null,
          tool_calls: [
            { index: 0, id: `call_${calls}`, type: "function", function: { name: step.tool, arguments: "" } },
          ],
        }),
      );
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, half) } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }));
      res.write(chunk({}, "tool_calls"));
    } else {
      res.write(chunk({ role: "assistant", content: step.text }));
      res.write(chunk({}, "stop"));
    }
    res.write("data: [DONE]\n\n");
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    push: (...more) => script.push(...more),
    remaining: () => script.length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A models.json that points Pi at the mock server as provider `mock`, model `mock-model`. */
export function mockModelsJson(model: Pick<MockModel, "baseUrl" | "apiKey">): string {
  return JSON.stringify(
    {
      providers: {
        mock: {
          baseUrl: model.baseUrl,
          api: "openai-completions",
          apiKey: model.apiKey,
          compat: { supportsDeveloperRole: false, supportsStore: false },
          models: [{ id: "mock-model", name: "Mock Model", input: ["text"], contextWindow: 128000, maxTokens: 4096 }],
        },
      },
    },
    null,
    2,
  );
}

/** The text of the last user-side message (user or custom) Pi sent. */
export function lastUserText(request: ChatRequest): string {
  const user = [...request.messages].reverse().find((m) => m.role === "user");
  if (!user) return "";
  if (typeof user.content === "string") return user.content;
  if (Array.isArray(user.content)) {
    return user.content.map((part: { text?: string }) => part.text ?? "").join("");
  }
  return "";
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
