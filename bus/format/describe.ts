import type { SparkEvent } from "../event-schema.js";

/** "a 500 in create-user", "a crash in hello-app", "a failed run of npm test (exit 1)". */
export function describeEvent(event: SparkEvent): string {
  switch (event.type) {
    case "server-error":
      return `a ${event.status ?? 500} in ${event.feature ?? event.route ?? "the app"}`;
    case "unhandled-error":
      return `a crash in ${event.source?.app ?? event.feature ?? "the app"}`;
    case "process-error":
      return `a failed run of ${event.command ?? "a command"} (${event.signal ? `signal ${event.signal}` : `exit ${event.exitCode ?? "?"}`})`;
    case "agent-start":
      return "an agent joining";
    case "agent-stop":
      return "an agent leaving";
    default:
      return `a ${event.type} event`;
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
