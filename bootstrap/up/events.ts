import * as z from "zod/mini";

/**
 * What `manifest sprite up --json` prints: one NDJSON line per step event, then one `up`
 * line with the outcome. The schema is exported so tests (and tools reading the stream) check
 * against the same thing. Pure.
 */

/** The steps of `up`, in the order they run. */
export const UP_STEPS = ["sprite", "runtime", "code", "package", "layout", "model", "services", "ready"] as const;
export type UpStep = (typeof UP_STEPS)[number];

export const stepEventSchema = z.object({
  type: z.literal("step"),
  step: z.enum(UP_STEPS),
  /** start; then changed (it did something), unchanged (verified, nothing to do) or failed. */
  status: z.enum(["start", "changed", "unchanged", "failed"]),
  /** Milliseconds the step took (not on start). */
  ms: z.optional(z.number()),
  /** One line: what it found or did. */
  detail: z.optional(z.string()),
});
export type StepEvent = z.infer<typeof stepEventSchema>;

export const failureSchema = z.object({
  step: z.enum(UP_STEPS),
  message: z.string(),
  /** The command or API call that failed. */
  command: z.string(),
  /** The last 2 KB of its stderr (secrets redacted), or "" for an API call. */
  stderr: z.string(),
  /** The run's log file inside the Sprite, when a command ran. */
  log: z.nullable(z.string()),
  next: z.string(),
});
export type UpFailure = z.infer<typeof failureSchema>;

export const upResultSchema = z.object({
  /** The command: `up`, or `push` (the code step and the app's restart). */
  type: z.enum(["up", "push"]),
  ok: z.boolean(),
  sprite: z.string(),
  url: z.nullable(z.string()),
  /** The steps that changed something. */
  changed: z.array(z.enum(UP_STEPS)),
  ms: z.number(),
  /** Bytes sent through the filesystem API (archives, settings). */
  uploadedBytes: z.number(),
  /** The sidecar has no model it can use: it only watches (null when it has one, or was not asked). */
  watchOnly: z.nullable(z.string()),
  notes: z.array(z.string()),
  failure: z.nullable(failureSchema),
});
export type UpResult = z.infer<typeof upResultSchema>;

/** An event's readable line: the step, its time, what happened. Pure. */
export function stepLine(event: StepEvent): string {
  const seconds = event.ms === undefined ? "" : `${(event.ms / 1000).toFixed(2)} s`;
  const what =
    event.status === "unchanged"
      ? `unchanged${event.detail ? ` (${event.detail})` : ""}`
      : (event.detail ?? event.status);
  return `${event.step.padEnd(9)}${seconds.padStart(8)}  ${what}`;
}
