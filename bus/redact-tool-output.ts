import { REDACTED, redactText, redactValue } from "./redact.js";

/** A part of a tool result as Pi carries it: text, or something else (an image) kept as is. */
export interface ToolOutputPart {
  type: string;
  text?: string;
}

/** The redacted output of one tool call, and how many secrets were replaced. */
export interface RedactedToolOutput<P> {
  content: P[];
  details: unknown;
  redactions: number;
}

/**
 * What the agent reads under the redacted output, so it does not chase a `[REDACTED]` as a
 * bug, and does not write one back over a real secret.
 */
export function redactionNote(count: number): string {
  return `[Spark replaced ${count} secret-looking value${count === 1 ? "" : "s"} in this output with ${REDACTED} before you (and the session log) saw it. The real values are unchanged on disk: ${REDACTED} is not a bug in the project, and must never be written back into a file.]`;
}

/**
 * Runs a tool's output through the event redactor (pure): every text part, and every string
 * of `details` (an edit's diff, say). A note is added when something was replaced. Undefined
 * when nothing was: the output then stays exactly as the tool returned it.
 */
export function redactToolOutput<P extends ToolOutputPart>(
  content: readonly P[],
  details: unknown,
  extraKeys: readonly string[] = [],
): RedactedToolOutput<P | { type: "text"; text: string }> | undefined {
  let redactions = 0;
  const parts = content.map((part) => {
    if (part.type !== "text" || typeof part.text !== "string") return part;
    const text = redactText(part.text);
    if (text === part.text) return part;
    redactions += added(part.text, text);
    return { ...part, text };
  });
  let safeDetails = details;
  if (details !== undefined && details !== null) {
    const before = JSON.stringify(details) ?? "";
    safeDetails = redactValue(details, { extraKeys, maxDepth: 32 });
    const after = JSON.stringify(safeDetails) ?? "";
    if (after === before) safeDetails = details;
    else redactions += Math.max(1, added(before, after));
  }
  if (redactions === 0) return undefined;
  return {
    content: [...parts, { type: "text", text: `\n${redactionNote(redactions)}` }],
    details: safeDetails,
    redactions,
  };
}

/** How many more `[REDACTED]` markers `after` holds than `before` (at least 1 when they differ). */
function added(before: string, after: string): number {
  const count = (s: string) => s.split(REDACTED).length - 1;
  return Math.max(1, count(after) - count(before));
}
