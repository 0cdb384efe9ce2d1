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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Long hex ids (object ids, hashes): 12+ hex characters with a digit among them, so that a
// word such as `accede` or `facade` stays a word.
const LONG_HEX = /^(?=[^/]*\d)[0-9a-f]{12,}$/i;

/**
 * The route with what changes between requests to one endpoint masked: `GET /users/42?tab=1`
 * and `GET /users/43` are both `GET /users/:id`. Numbers, UUIDs and long hex ids in whole path
 * segments become `:id`; the query and fragment go. A framework's own pattern (`/users/:id`,
 * `/users/{id}`, `/users/[id]`, `*`) passes through unchanged: it is already normalised.
 */
export function normalizeRoute(route: string): string {
  const space = route.indexOf(" ");
  const method = space > 0 && /^[A-Z]+$/.test(route.slice(0, space)) ? route.slice(0, space + 1) : "";
  const path = route.slice(method.length).split(/[?#]/, 1)[0] ?? "";
  const segments = path.split("/").map((segment) => {
    if (/^\d+$/.test(segment) || UUID.test(segment) || LONG_HEX.test(segment)) return ":id";
    return segment;
  });
  return `${method}${segments.join("/")}`;
}

/**
 * The error's name when the event has none, from the stack's first line (`TypeError: …`,
 * `Error [ERR_X]: …`): an Error passed as a plain object is the same problem as a thrown one.
 */
export function errorNameFromStack(stack: string | undefined): string | undefined {
  const first = stack?.split("\n", 1)[0] ?? "";
  return /^([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?=:|\s*\[|\s*$)/.exec(first)?.[1];
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
  const where =
    input.feature ??
    (input.route !== undefined ? normalizeRoute(input.route) : undefined) ??
    (input.command ? normalizeMessage(input.command) : "");
  const parts = [
    input.type,
    where,
    input.error?.name ?? errorNameFromStack(input.error?.stack) ?? "",
    normalizeMessage(input.error?.message ?? ""),
    topFrame(input.error?.stack),
  ];
  const hash = createHash("sha1").update(parts.join("\n")).digest("hex").slice(0, 16);
  if (recent.size >= 256) recent.clear();
  recent.set(raw, hash);
  return hash;
}

const recent = new Map<string, string>();
