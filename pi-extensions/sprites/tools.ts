import type { ExtensionContext, ToolDefinition } from "@mariozechner/pi-coding-agent";
import { Type } from "typebox";
import type { SpritesApi } from "../../bootstrap/sprites-api.js";
import { askForSpriteTool } from "./approval.js";
import { blockedReason, gateSpriteTool, type SpriteToolName } from "./gate.js";
import { forModel, looksBinary, MAX_READ_BYTES, MAX_STREAM_BYTES } from "./output.js";

/** What the tools need from their host: the client (connected on first use) and the tools level. */
export interface SpriteToolDeps {
  api(): Promise<SpritesApi>;
  level(ctx: ExtensionContext): string;
}

const MAX_WRITE_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_S = 120;
const MAX_TIMEOUT_S = 600;

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }], details: {} });

/**
 * Applies the tools level before a tool runs: throws (an error result the model reads) when
 * blocked, or when `approve` asks (through the bus's approvals) and the answer is no, or
 * nobody answers in time.
 */
async function guard(
  deps: SpriteToolDeps,
  tool: SpriteToolName,
  ctx: ExtensionContext,
  what: string,
  args: unknown,
): Promise<void> {
  const level = deps.level(ctx);
  const decision = gateSpriteTool(level, tool);
  if (decision === "allow") return;
  if (decision === "block") throw new Error(blockedReason(level, tool));
  const refused = await askForSpriteTool(tool, args, what, ctx);
  if (refused) throw new Error(`${tool} was not approved: ${refused}`);
}

/** The four Sprite tools: list, exec, read and write over the user's Sprites. */
export function spriteTools(deps: SpriteToolDeps): ToolDefinition[] {
  const list: ToolDefinition = {
    name: "sprite_list",
    label: "Sprites",
    description: "List the user's Fly Sprites (cloud VMs): name, state (cold/warm/running) and URL.",
    promptSnippet: "sprite_list: the user's Sprites (cloud VMs) and their state",
    parameters: Type.Object({ prefix: Type.Optional(Type.String({ description: "Only names starting with this" })) }),
    async execute(_id, params: { prefix?: string }) {
      const sprites = await (await deps.api()).list(params.prefix);
      if (sprites.length === 0) return text("The user has no Sprites.");
      return text(sprites.map((s) => `${s.name}\t${s.status}\t${s.url ?? ""}`).join("\n"));
    },
  };

  const exec: ToolDefinition = {
    name: "sprite_exec",
    label: "Sprite exec",
    description:
      "Run a bash command in one of the user's Sprites (cloud VMs) and get its exit code, stdout and stderr " +
      "(each cut to its last 16 KiB, secrets redacted). Stdin is closed. Runs in the Sprite's home unless cwd is given.",
    promptSnippet: "sprite_exec: run a bash command inside a Sprite",
    parameters: Type.Object({
      sprite: Type.String({ description: "The Sprite's name" }),
      command: Type.String({ description: "A bash command or script" }),
      cwd: Type.Optional(Type.String({ description: "Working directory inside the Sprite" })),
      timeout: Type.Optional(
        Type.Number({
          description: `Seconds before it is killed (default ${DEFAULT_TIMEOUT_S}, at most ${MAX_TIMEOUT_S})`,
        }),
      ),
    }),
    async execute(_id, params: { sprite: string; command: string; cwd?: string; timeout?: number }, signal, _u, ctx) {
      await guard(deps, "sprite_exec", ctx, `Run in Sprite "${params.sprite}": ${params.command}`, params);
      const seconds = Math.min(Math.max(params.timeout ?? DEFAULT_TIMEOUT_S, 1), MAX_TIMEOUT_S);
      const result = await (await deps.api()).run(params.sprite, params.command, {
        cwd: params.cwd,
        timeoutMs: seconds * 1000,
        signal,
        maxBuffer: 4 * 1024 * 1024,
      });
      const parts = [`exit code: ${result.interrupted ? "interrupted" : result.exitCode}`];
      if (result.stdout.length > 0) parts.push(`stdout:\n${forModel(result.stdout, MAX_STREAM_BYTES, "tail")}`);
      if (result.stderr.length > 0) parts.push(`stderr:\n${forModel(result.stderr, MAX_STREAM_BYTES, "tail")}`);
      return text(parts.join("\n"));
    },
  };

  const read: ToolDefinition = {
    name: "sprite_read",
    label: "Sprite read",
    description: "Read a text file from one of the user's Sprites (the first 64 KiB, secrets redacted).",
    promptSnippet: "sprite_read: read a file inside a Sprite",
    parameters: Type.Object({
      sprite: Type.String({ description: "The Sprite's name" }),
      path: Type.String({ description: "Absolute path inside the Sprite, e.g. /home/sprite/app/package.json" }),
    }),
    async execute(_id, params: { sprite: string; path: string }) {
      const data = await (await deps.api()).readFile(params.sprite, params.path);
      if (looksBinary(data)) return text(`${params.path} is a binary file of ${data.length} bytes.`);
      return text(forModel(data, MAX_READ_BYTES, "head"));
    },
  };

  const write: ToolDefinition = {
    name: "sprite_write",
    label: "Sprite write",
    description:
      "Write a text file in one of the user's Sprites (parent folders are created; the file is replaced whole).",
    promptSnippet: "sprite_write: write a file inside a Sprite",
    parameters: Type.Object({
      sprite: Type.String({ description: "The Sprite's name" }),
      path: Type.String({ description: "Absolute path inside the Sprite" }),
      content: Type.String({ description: "The whole new content" }),
    }),
    async execute(_id, params: { sprite: string; path: string; content: string }, _s, _u, ctx) {
      await guard(deps, "sprite_write", ctx, `Write ${params.path} in Sprite "${params.sprite}"`, params);
      const bytes = Buffer.byteLength(params.content);
      if (bytes > MAX_WRITE_BYTES) throw new Error(`The content is ${bytes} bytes; sprite_write takes at most 1 MiB.`);
      await (await deps.api()).writeFile(params.sprite, params.path, params.content);
      return text(`Wrote ${bytes} bytes to ${params.path} in Sprite "${params.sprite}".`);
    },
  };

  return [list, exec, read, write];
}
