import type { DemoRecord } from "../schemas-demo.js";
import type { StoryStep } from "./story.js";

/**
 * Prints the story: each step's text for a person, or with `--json` one NDJSON record per
 * step with its time since the start and since the step before (see cli/schemas-demo.ts).
 */
export function storyPrinter(
  json: boolean,
  write: (text: string) => void = (text) => process.stdout.write(text),
  now: () => number = Date.now,
): (step: StoryStep) => void {
  const started = now();
  let last = started;
  return (step) => {
    if (!json) return write(`${step.text}\n`);
    const at = now();
    const record: DemoRecord = {
      ...step,
      eventId: step.eventId ?? null,
      at: new Date(at).toISOString(),
      elapsedMs: at - started,
      stepMs: at - last,
    };
    last = at;
    write(`${JSON.stringify(record)}\n`);
  };
}
