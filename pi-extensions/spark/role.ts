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

/** Whether a tool call must be blocked under the environment's tools level. */
export function blockedByToolsLevel(toolName: string, tools: "full" | "read-only"): boolean {
  return tools === "read-only" && !READ_ONLY_TOOLS.has(toolName);
}
