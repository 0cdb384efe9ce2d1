import type { SparkEvent } from "../event-schema.js";

/** How a value from the event is written into a description: as is, or quoted (see untrusted.ts). */
export type NameValue = (value: string) => string;

const asIs: NameValue = (value) => value;

/**
 * "a 500 in create-user", "a crash in hello-app", "a failed run of npm test (exit 1)". The
 * prompt passes `inline`, so every value from the event is quoted and reduced to a safe alphabet.
 */
export function describeEvent(event: SparkEvent, name: NameValue = asIs): string {
  switch (event.type) {
    case "server-error": {
      const where = event.feature ?? event.route;
      return `a ${event.status ?? 500} in ${where === undefined ? "the app" : name(where)}`;
    }
    case "unhandled-error": {
      const where = event.source?.app ?? event.feature;
      return `a crash in ${where === undefined ? "the app" : name(where)}`;
    }
    case "process-error":
      return `a failed run of ${event.command === undefined ? "a command" : name(event.command)} (${event.signal ? `signal ${name(event.signal)}` : `exit ${event.exitCode ?? "?"}`})`;
    case "agent-start":
      return "an agent joining";
    case "agent-stop":
      return "an agent leaving";
    default:
      return `a ${name(event.type)} event`;
  }
}

/** Where the problem is: feature and route, the command, or the app. */
export function eventLocation(event: SparkEvent): string {
  if (event.type === "process-error") return event.command ?? "";
  return [event.feature, event.route].filter(Boolean).join(" ");
}

/** `TypeError: Cannot read…`, first line only. */
export function errorHeadline(event: SparkEvent): string {
  if (!event.error) return "";
  const first = event.error.message.split("\n", 1)[0] ?? "";
  return event.error.name && !first.startsWith(event.error.name) ? `${event.error.name}: ${first}` : first;
}
