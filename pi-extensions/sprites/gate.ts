/** The Sprite tools, and what each can do to a Sprite. */
export const SPRITE_TOOLS = {
  sprite_list: "reads",
  sprite_read: "reads",
  sprite_exec: "changes",
  sprite_write: "changes",
} as const;

export type SpriteToolName = keyof typeof SPRITE_TOOLS;

/** What to do with a tool call at a tools level. */
export type GateDecision = "allow" | "ask" | "block";

/**
 * The tools level (a config profile's `tools`) applied to a Sprite tool. Reading is always
 * allowed; changing a Sprite needs `full`, or a yes at `approve`. Any other level, including
 * one this code does not know yet, is treated as read-only: a new level must not open a door
 * by accident. Pure.
 */
export function gateSpriteTool(level: string, tool: SpriteToolName): GateDecision {
  if (SPRITE_TOOLS[tool] === "reads") return "allow";
  if (level === "full") return "allow";
  if (level === "approve") return "ask";
  return "block";
}

/** Why a call was blocked, in words the model can act on. Pure. */
export function blockedReason(level: string, tool: SpriteToolName): string {
  return `${tool} is blocked: Spark's tools level here is "${level}", which lets Sprite tools only read (sprite_list, sprite_read). Investigate with those and report what you would change.`;
}
