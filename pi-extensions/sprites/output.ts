import { redactText } from "../../bus/redact.js";

/** The most a tool hands back to the model per stream, and per file read. */
export const MAX_STREAM_BYTES = 16 * 1024;
export const MAX_READ_BYTES = 64 * 1024;

/**
 * Text safe to give the model: secret-looking values redacted (and the values the caller
 * knows are secret), cut to `max` bytes keeping the end (`tail`, where errors are) or the
 * start, with a note saying how much was cut. Pure.
 */
export function forModel(data: Buffer, max: number, keep: "head" | "tail", secrets: readonly string[] = []): string {
  const cut = data.length > max;
  const kept = !cut ? data : keep === "tail" ? data.subarray(data.length - max) : data.subarray(0, max);
  let text = kept.toString("utf8");
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join("[REDACTED]");
  text = redactText(text);
  if (!cut) return text;
  const note = `[… ${data.length - max} of ${data.length} bytes cut …]`;
  return keep === "tail" ? `${note}\n${text}` : `${text}\n${note}`;
}

/** Whether a file's bytes look binary (a NUL in its first 8 KiB). Pure. */
export function looksBinary(data: Buffer): boolean {
  return data.subarray(0, 8192).includes(0);
}
