import { scrubText } from "../scrub.js";
import { SpriteError } from "../sprite-error.js";
import type { UpFailure, UpStep } from "./events.js";

/** How much of a failed command's stderr is shown. */
export const STDERR_TAIL_BYTES = 2048;

/** A step that failed: which, what it ran, what that printed, and what to do. */
export class StepFailure extends Error {
  override readonly name = "StepFailure";
  constructor(
    readonly step: UpStep,
    message: string,
    readonly command: string,
    readonly stderr: string,
    readonly next: string,
    /** The run's log inside the Sprite, once a command of this run wrote to it. */
    readonly log: string | null = null,
  ) {
    super(message);
  }

  toJSON(): UpFailure {
    return {
      step: this.step,
      message: this.message,
      command: this.command,
      stderr: this.stderr,
      log: this.log,
      next: this.next,
    };
  }
}

/** The last `STDERR_TAIL_BYTES` of some output, secrets redacted. Pure. */
export function stderrTail(stderr: Buffer | string, secrets: readonly string[]): string {
  const bytes = Buffer.isBuffer(stderr) ? stderr : Buffer.from(stderr);
  const tail = bytes.subarray(Math.max(0, bytes.length - STDERR_TAIL_BYTES)).toString("utf8");
  return scrubText(tail, secrets).trimEnd();
}

/** Any error thrown inside a step, as that step's failure. */
export function asStepFailure(step: UpStep, error: unknown, doing: string, secrets: readonly string[]): StepFailure {
  if (error instanceof StepFailure) return error;
  if (error instanceof SpriteError) return new StepFailure(step, error.message, doing, "", error.next);
  const message = scrubText((error as Error)?.message ?? String(error), secrets);
  return new StepFailure(
    step,
    `${doing} failed: ${message}`,
    doing,
    "",
    "Fix what it says, then run `manifest sprite up` again.",
  );
}
