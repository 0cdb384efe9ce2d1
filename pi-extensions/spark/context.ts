import type { ExtensionAPI, ExtensionContext } from "@mariozechner/pi-coding-agent";
import type { EnvironmentProfile, SparkConfig } from "../../bus/config-schema.js";
import type { BusPaths } from "../../bus/paths.js";
import type { SparkRole } from "./role.js";

/** Everything the role modules share for one Pi session. */
export interface SparkContext {
  readonly pi: ExtensionAPI;
  readonly ctx: ExtensionContext;
  readonly role: SparkRole;
  /** This instance's presence id; also its consumer id for claims. */
  readonly agentId: string;
  readonly root: string;
  readonly paths: BusPaths;
  readonly config: SparkConfig;
  readonly profile: EnvironmentProfile;
  /** Sets (or clears) Spark's line in the status bar; a no-op without a UI. */
  status(text: string | undefined): void;
  /** Shows a notification; a no-op without a UI. */
  notify(text: string, level?: "info" | "warning" | "error"): void;
  /** Reports a failure without breaking the session. */
  report(error: unknown): void;
}

/** Custom message and entry types Spark writes into sessions. */
export const MESSAGE_TYPES = {
  /** A batch of events: starts a turn. */
  events: "spark-events",
  /** An agent joined or left. No longer sent (presence is state, not news); older sessions hold some. */
  agents: "spark-agents",
  /** The start-up health report: informational, no turn. */
  health: "spark-health",
} as const;

/** The session entry that records which event ids this session was given. */
export const DELIVERED_ENTRY = "spark-delivered";
