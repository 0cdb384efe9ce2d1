import { type ChatRequest, type ScriptedModel, startScriptedModel } from "../../sidecar/scripted-model.js";

export type { ChatRequest };

/** One scripted model reply: a tool call, text that ends the run, or an HTTP error. */
export type ScriptStep =
  | { tool: string; args: Record<string, unknown> }
  | { text: string }
  | { error: { status: number; message: string } }
  /** Decide from the request: the messages Pi sent so far. */
  | ((
      request: ChatRequest,
    ) =>
      | { tool: string; args: Record<string, unknown> }
      | { text: string }
      | { error: { status: number; message: string } });

/** A mock OpenAI-compatible model server on 127.0.0.1 that replays a script. */
export interface MockModel extends Pick<ScriptedModel, "baseUrl" | "apiKey" | "requests" | "close" | "modelsJson"> {
  /** Adds steps to the script. */
  push(...steps: ScriptStep[]): void;
  /** Steps not yet used. */
  remaining(): number;
  /** Drops the steps not yet used (a test that scripted more than its run took). */
  clear(): void;
}

/**
 * Starts the server (the same scripted server `manifest demo --replay` uses). A request
 * when the script is empty gets a plain "(no more scripted replies)" so a run ends instead
 * of hanging.
 */
export async function startMockModel(steps: ScriptStep[] = []): Promise<MockModel> {
  const script = [...steps];
  const model = await startScriptedModel((request) => {
    const next = script.shift();
    const step = typeof next === "function" ? next(request) : (next ?? { text: "(no more scripted replies)" });
    if ("error" in step) return { error: step.error };
    return "tool" in step ? { tool: { name: step.tool, args: step.args } } : { text: step.text };
  });
  return {
    baseUrl: model.baseUrl,
    apiKey: model.apiKey,
    requests: model.requests,
    close: model.close,
    modelsJson: model.modelsJson,
    push: (...more) => script.push(...more),
    remaining: () => script.length,
    clear: () => {
      script.length = 0;
    },
  };
}

/** A models.json that points Pi at the mock server as provider `mock`, model `mock-model`. */
export function mockModelsJson(model: Pick<MockModel, "modelsJson">): string {
  return model.modelsJson("mock", "mock-model", "Mock Model");
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
