import type { ToolLevel } from "../../bus/config-schema.js";
import type { Check } from "./checks.js";

/** The tools level of each configured environment (the config's, defaults merged in). */
export type ToolLevelsFact = Record<string, ToolLevel>;

/**
 * Warns when a production environment lets the agent write, edit and run commands without
 * asking: there it acts on text that came from the network (pure).
 */
export function toolsLevelCheck(tools: ToolLevelsFact | undefined): Check {
  const base = { id: "tools-level", title: "Tools level" };
  if (!tools) return { ...base, status: "ok", detail: "not checked: the config does not load (see Config)" };
  const open = Object.entries(tools)
    .filter(([env, level]) => /^prod/i.test(env) && level === "full")
    .map(([env]) => env);
  const summary = Object.entries(tools)
    .map(([env, level]) => `${env} ${level}`)
    .join(" · ");
  if (open.length === 0) return { ...base, status: "ok", detail: summary };
  const env = open[0] as string;
  return {
    ...base,
    status: "warn",
    detail: `${open.join(", ")} runs with tools "full": the agent writes, edits and runs commands there without asking anyone`,
    next: `Set \`environments.${env}.tools\` to "approve" (a person says yes to each change) or "read-only" in config/spark.ts.`,
  };
}
