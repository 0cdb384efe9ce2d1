import { join } from "node:path";
import { fauxAssistantMessage, fauxToolCall } from "@mariozechner/pi-ai";
import { afterEach, describe, expect, it } from "vitest";
import { REDACTED } from "../bus/redact.js";
import { redactToolOutput } from "../bus/redact-tool-output.js";
import { redactHostItem } from "../sidecar/conversation.js";
import { createConversationLog } from "../sidecar/dashboard/conversation-log.js";
import { type PiHarness, startPi } from "./helpers/pi-sdk.js";
import { waitFor } from "./helpers/processes.js";
import { tempProject } from "./helpers/temp-project.js";

const SECRET = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv";

describe("redactToolOutput (pure)", () => {
  it("redacts text parts and details, keeps other parts, and adds one note with the count", () => {
    const image = { type: "image", data: "aGk=", mimeType: "image/png" };
    const out = redactToolOutput(
      [{ type: "text", text: `OPENAI_API_KEY=${SECRET}\nDB_PASSWORD=hunter2\nPORT=3000` }, image],
      { diff: `-token=${SECRET}\n+token=abc`, firstChangedLine: 3 },
    );
    expect(out?.content[0]).toEqual({
      type: "text",
      text: `OPENAI_API_KEY=${REDACTED}\nDB_PASSWORD=${REDACTED}\nPORT=3000`,
    });
    expect(out?.content[1]).toBe(image);
    expect(JSON.stringify(out?.details)).not.toContain(SECRET);
    expect(out?.details).toMatchObject({ firstChangedLine: 3 });
    expect(out?.redactions).toBe(4);
    expect(out?.content.at(-1)).toEqual({
      type: "text",
      text: expect.stringContaining("Spark replaced 4 secret-looking values in this output"),
    });
  });

  it("returns nothing when there is nothing to redact, so the output stays exactly as the tool gave it", () => {
    expect(redactToolOutput([{ type: "text", text: "3 passing\nPORT=3000" }], { truncation: null })).toBeUndefined();
    // Already redacted text (a delivered event file) is not news either.
    expect(redactToolOutput([{ type: "text", text: `"password": "${REDACTED}"` }], undefined)).toBeUndefined();
  });
});

describe("what the screens show", () => {
  it("redacts a host item's text, summary and error; leaves a clean one as it is", () => {
    expect(redactHostItem({ kind: "user", text: `use ${SECRET}` })).toEqual({ kind: "user", text: `use ${REDACTED}` });
    expect(
      redactHostItem({
        kind: "tool-start",
        id: "1",
        name: "bash",
        summary: `curl -H "Authorization: Bearer abcdef123456"`,
      }),
    ).toMatchObject({ summary: `curl -H "Authorization: ${REDACTED}` });
    const clean = { kind: "assistant", text: "Fixed." };
    expect(redactHostItem(clean)).toBe(clean);
  });

  it("never shows a secret that streams in over two deltas, not even its first half", () => {
    const log = createConversationLog();
    const shown: string[] = [];
    for (const delta of ["The key is sk-proj-Ab3dEf6h", "Ij9kLm2nOp5qRs8tUv, done"]) {
      log.apply({ kind: "assistant-delta", delta });
      shown.push(
        log
          .entries()
          .map((e) => ("text" in e ? e.text : ""))
          .join("\n"),
      );
    }
    expect(shown[1]).toBe(`The key is ${REDACTED}, done`);
    for (const text of shown) expect(text).not.toContain("Ij9kLm2nOp5qRs8tUv");
  });
});

describe("tool output in a real Pi session", () => {
  const running: PiHarness[] = [];
  afterEach(async () => {
    for (const h of running.splice(0)) await h.shutdown();
  });

  async function catEnv(role: "sidecar" | "human", config: string) {
    const { root } = tempProject({ "config/spark.ts": config, ".env": `OPENAI_API_KEY=${SECRET}\nPORT=3000\n` });
    const pi = await startPi(root, role, {
      steps: [
        fauxAssistantMessage(fauxToolCall("read", { path: join(root, ".env") }), { stopReason: "toolUse" }),
        fauxAssistantMessage("Read it."),
      ],
    });
    running.push(pi);
    await pi.session.prompt("read the env file");
    await waitFor(() => !pi.session.isStreaming, "the run to end");
    const result = pi.session.messages.find((m) => (m as { role: string }).role === "toolResult") as {
      content: Array<{ text?: string }>;
    };
    return result.content.map((p) => p.text ?? "").join("");
  }

  it("is redacted in the sidecar by default, with the note", async () => {
    const text = await catEnv("sidecar", "export default {};\n");
    expect(text).toContain(`OPENAI_API_KEY=${REDACTED}`);
    expect(text).not.toContain(SECRET);
    expect(text).toContain("Spark replaced 1 secret-looking value in this output");
  });

  it("is left alone when the config turns it off, and in a person's own session", async () => {
    expect(await catEnv("sidecar", "export default { sidecar: { redactToolOutput: false } };\n")).toContain(SECRET);
    expect(await catEnv("human", "export default {};\n")).toContain(SECRET);
  });
});
