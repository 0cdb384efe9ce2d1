/** Colours of the readable formats, as functions a caller supplies (ANSI, tags, or none). */
export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
}

/** The colour of an event type: errors red, failed commands yellow, agents dim, notices cyan. */
export function paintType(type: string, style: TextStyle): (text: string) => string {
  switch (type) {
    case "server-error":
    case "unhandled-error":
      return style.red;
    case "process-error":
      return style.yellow;
    case "agent-start":
    case "agent-stop":
      return style.dim;
    case "notification":
      return style.cyan;
    default:
      return (text) => text;
  }
}

/** The colour of a state: delivered green, rejected red, expired yellow, the rest dim. */
export function paintState(state: string, style: TextStyle): (text: string) => string {
  if (state === "delivered") return style.green;
  if (state === "rejected") return style.red;
  if (state === "expired") return style.yellow;
  if (state === "pending") return (text) => text;
  return style.dim;
}
