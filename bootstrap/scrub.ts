import { REDACTED, redactText } from "../bus/redact.js";

const URL_PATTERN = /\b(?:https?|wss?):\/\/[^\s)'"]+/gi;
const URL_NOTE = /\s*\(url: [^)]*\)/gi;
const BEARER = /\bBearer\s+[^\s"']+/gi;

/**
 * Makes text from the SDK (or a server) safe to show: `(url: …)` notes and every other URL go
 * (the SDK puts exec `env=` values and more into them), the token and any other known secret
 * values are replaced, and whatever else looks like a secret is redacted the bus's way. Pure.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_NOTE, "").replace(URL_PATTERN, "<url>").replace(BEARER, `Bearer ${REDACTED}`);
  for (const secret of secrets) {
    // Short values would also match innocent text: secrets and tokens are longer than this.
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return redactText(out);
}
