import type { SparkEvent } from "../event-schema.js";
import type { EventGroup } from "../group.js";
import { errorHeadline, eventLocation } from "./describe.js";

/**
 * One line for an event, for terminals and status bars:
 * `12:03:04 server-error create-user POST /users 500 TypeError: x is undefined`.
 */
export function formatEventLine(event: SparkEvent, maxLength = 160): string {
  const time = event.timestamp.slice(11, 19);
  const status = event.type === "server-error" && event.status !== undefined ? String(event.status) : "";
  const exit =
    event.type === "process-error" ? (event.signal ? `signal ${event.signal}` : `exit ${event.exitCode ?? "?"}`) : "";
  const parts = [time, event.type, eventLocation(event), status, exit, errorHeadline(event)].filter((p) => p !== "");
  return clip(parts.join(" ").replace(/\s+/g, " "), maxLength);
}

/** One line for a group: the line of its newest event and the count. */
export function formatGroupLine(group: EventGroup, maxLength = 160): string {
  const suffix = group.count > 1 ? ` (×${group.count})` : "";
  return `${clip(formatEventLine(group.example, maxLength - suffix.length), maxLength - suffix.length)}${suffix}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
