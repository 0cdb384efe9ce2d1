import type { ToolLevel } from "../../bus/config-schema.js";

/** Which part an instance of the extension plays. */
export type SparkRole = "human" | "sidecar";

/**
 * The role is set explicitly by whoever starts Pi: `SPARK_ROLE=sidecar` or
 * `--spark-role sidecar` (the sidecar host sets one). Anything else is a human session: a
 * role is never guessed from the environment, so a forgotten flag cannot make a person's
 * session steal events.
 */
export function resolveRole(env: NodeJS.ProcessEnv, flag: unknown): SparkRole {
  const value = (typeof flag === "string" && flag !== "" ? flag : env.SPARK_ROLE)?.trim().toLowerCase();
  return value === "sidecar" ? "sidecar" : "human";
}

/** Tools that change the project: calling one marks the agent `working`. */
export const MUTATING_TOOLS: ReadonlySet<string> = new Set(["write", "edit", "bash"]);

/** What read-only allows: an allow-list, so a custom tool from another extension cannot slip through. */
export const READ_ONLY_TOOLS: ReadonlySet<string> = new Set(["read", "grep", "find", "ls"]);

/** What happens to a tool call: it runs, it is blocked, or it waits for a person's yes. */
export type ToolGate = "allow" | "block" | "ask";

/**
 * The gate for a tool under a tools level. Read-only tools always run; under `approve` every
 * other tool asks (an allow-list again: a custom tool that writes must not slip through).
 */
export function toolGate(toolName: string, tools: ToolLevel): ToolGate {
  if (tools === "full" || READ_ONLY_TOOLS.has(toolName)) return "allow";
  return tools === "read-only" ? "block" : "ask";
}

/**
 * The tools level a session works under. The sidecar always follows the environment's
 * profile. A person's session does too once it has taken Spark events (`/spark take`, or
 * auto-inject): from then on it acts on text from the app, which the profile is there for;
 * before that, it is the person's own session.
 */
export function sessionToolsLevel(role: SparkRole, profileTools: ToolLevel, tookEvents: boolean): ToolLevel {
  return role === "sidecar" || tookEvents ? profileTools : "full";
}
