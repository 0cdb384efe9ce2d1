import * as z from "zod/mini";

/**
 * `manifest demo --json`: NDJSON, one record per step of the story, so a script can follow it
 * (wait for `captured`, read the event id, time the fix). Tests check the CLI against it.
 */

export const DEMO_STEPS = [
  /** The demo started: `mode` says headless or tmux, and why. */
  "start",
  /** The example app was copied: `dir`. */
  "copied",
  /** `manifest spark init` ran there: `changes`. */
  "initialised",
  /** The app listens: `url`. */
  "app-up",
  /** The sidecar runs: `model` (null: watch-only), `replay`. */
  "sidecar-up",
  /** The failing request was sent: `httpStatus`. */
  "request",
  /** The app's server-error event is on the bus: `eventId`, `file`. */
  "captured",
  /** The sidecar handed the event to Pi in one message: `eventId`. */
  "injected",
  /** A line of the agent's work (its words, or a tool it ran). */
  "agent",
  /** No model: the event is held on disk (`eventId`); `text` says how to add a model. */
  "held",
  /** The same request again: `httpStatus` (200: fixed). */
  "fixed",
  /** The tmux layout was opened (interactive demo only). */
  "layout",
  /** The demo is over: `dir`, and whether it was removed. */
  "done",
  /** Something broke on the way: `text` says what. */
  "error",
] as const;

export type DemoStepName = (typeof DEMO_STEPS)[number];

export const demoRecordSchema = z.object({
  step: z.enum(DEMO_STEPS),
  /** `ok`: done; `held`: waiting on purpose (no model); `failed`: this step went wrong; `info`: a line of the story. */
  status: z.enum(["ok", "held", "failed", "info"]),
  /** The line the readable demo prints for this step. */
  text: z.string(),
  /** When it happened (ISO 8601). */
  at: z.string(),
  /** Milliseconds since the demo started. */
  elapsedMs: z.number(),
  /** Milliseconds since the previous record: how long this step took. */
  stepMs: z.number(),
  /** The app's event this step is about (`captured`, `injected`, `held`), else null. */
  eventId: z.nullable(z.string()),
  mode: z.optional(z.string()),
  dir: z.optional(z.string()),
  changes: z.optional(z.array(z.string())),
  url: z.optional(z.string()),
  model: z.optional(z.nullable(z.string())),
  replay: z.optional(z.boolean()),
  httpStatus: z.optional(z.number()),
  file: z.optional(z.string()),
  removed: z.optional(z.boolean()),
});

export type DemoRecord = z.output<typeof demoRecordSchema>;
