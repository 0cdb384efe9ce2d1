import { createHash } from "node:crypto";

/** The parts of an event that say "this is the same problem again". */
export interface FingerprintInput {
  type: string;
  feature?: string | undefined;
  route?: string | undefined;
  command?: string | undefined;
  error?: { name?: string | undefined; message?: string | undefined; stack?: string | undefined } | undefined;
}

/**
 * Masks the parts of a message that change between occurrences of one problem:
 * UUIDs, long hex ids, quoted values' digits, numbers.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>")
    .replace(/\b(?:0x)?[0-9a-f]{8,}\b/gi, "<hex>")
    .replace(/\d+(?:\.\d+)?/g, "<n>")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The first `at …` frame of a stack, without line and column numbers (so an unrelated edit
 * above the bug keeps the fingerprint) and without the folder part of the path.
 */
export function topFrame(stack: string | undefined): string {
  if (!stack) return "";
  for (const line of stack.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("at ")) continue;
    return trimmed
      .replace(/:\d+(?::\d+)?(?=\)?$)/, "")
      .replace(/(?:file:\/\/)?(?:[A-Za-z]:)?[^\s()]*[\\/]/g, "")
      .replace(/\?[^\s)]*/g, "");
  }
  return "";
}

/** A stable 16-hex-digit hash that groups repeats of one problem. */
export function fingerprint(input: FingerprintInput): string {
  // A storm repeats one problem: the same raw parts give the same fingerprint, so the masking
  // regexps and the hash run once per distinct problem, not once per event.
  const raw = [
    input.type,
    input.feature ?? "",
    input.route ?? "",
    input.command ?? "",
    input.error?.name ?? "",
    input.error?.message ?? "",
    input.error?.stack ?? "",
  ].join("\u0000");
  const known = recent.get(raw);
  if (known) return known;
  const where = input.feature ?? input.route ?? (input.command ? normalizeMessage(input.command) : "");
  const parts = [
    input.type,
    where,
    input.error?.name ?? "",
    normalizeMessage(input.error?.message ?? ""),
    topFrame(input.error?.stack),
  ];
  const hash = createHash("sha1").update(parts.join("\n")).digest("hex").slice(0, 16);
  if (recent.size >= 256) recent.clear();
  recent.set(raw, hash);
  return hash;
}

const recent = new Map<string, string>();
