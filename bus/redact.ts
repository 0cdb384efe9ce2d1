/** What every redacted secret is replaced with. */
export const REDACTED = "[REDACTED]";

/**
 * Key names that hold secrets, matched against the key squashed to lower-case letters and
 * digits (`api_key`, `apiKey` and `API-KEY` all become `apikey`).
 */
const SECRET_KEY_PARTS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "apikey",
  "authorization",
  "cookie",
  "session",
  "privatekey",
  "creditcard",
  "cardnumber",
  "cvv",
  "cvc",
  "ssn",
  "credential",
];
/** Short names that are secrets only as a whole word (`pwd`, not `cwd`; `pass`, not `passenger`). */
const SECRET_KEY_WORDS = new Set(["pwd", "pass", "pin", "auth", "otp", "jwt", "bearer", "ssn", "cvv"]);

/** Builds a key predicate; `extraKeys` (from config) are matched like the built-in ones. */
export function secretKeyMatcher(extraKeys: readonly string[] = []): (key: string) => boolean {
  const cacheKey = extraKeys.join("\u0000");
  let matcher = matchers.get(cacheKey);
  if (!matcher) {
    matcher = memoize(buildKeyMatcher(extraKeys));
    if (matchers.size > 16) matchers.clear();
    matchers.set(cacheKey, matcher);
  }
  return matcher;
}

/** One matcher per set of extra keys: building it and splitting key names cost more than the lookups. */
const matchers = new Map<string, (key: string) => boolean>();

function memoize(test: (key: string) => boolean): (key: string) => boolean {
  const verdicts = new Map<string, boolean>();
  return (key) => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = test(key);
      // Bounded: request bodies can carry arbitrary keys.
      if (verdicts.size > 2000) verdicts.clear();
      verdicts.set(key, verdict);
    }
    return verdict;
  };
}

function buildKeyMatcher(extraKeys: readonly string[]): (key: string) => boolean {
  const parts = [...SECRET_KEY_PARTS, ...extraKeys.map(squash).filter((k) => k.length > 0)];
  return (key) => {
    const squashed = squash(key);
    if (squashed === "") return false;
    // "ssn" alone is a word match: "classname" squashes to a string that contains it.
    for (const part of parts) {
      if (part.length > 3 && squashed.includes(part)) return true;
    }
    for (const word of words(key)) {
      if (SECRET_KEY_WORDS.has(word) || parts.includes(word)) return true;
    }
    return false;
  };
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * A key inside free text that names a secret (`DB_PASSWORD`, `api-key`, `"token"`), or ends
 * in a separate `key` word: `.env` files name most keys that way (`SENDGRID_KEY`).
 */
const SECRET_WORD =
  /password|passwd|passphrase|secret|token|api[_-]?key|authorization|cookie|session|private[_-]?key|credential|[_.-]key$/i;

type Replacer = string | ((match: string, ...groups: string[]) => string);

/**
 * Value patterns, each replaced wherever it appears inside any string. Every pattern starts
 * at a literal or takes its leading word atomically (`(?=(x+))\1`), so a long input costs
 * linear time: no pattern can backtrack through a 100 KB word.
 */
const VALUE_PATTERNS: ReadonlyArray<readonly [RegExp, Replacer]> = [
  // PEM private keys, also when the END line was cut off.
  [
    /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    REDACTED,
  ],
  // user:password@ in URLs (the user name stays: it helps, and is not the secret).
  [/(?<![a-z0-9+.-])(?=([a-z][a-z0-9+.-]*))\1(:\/\/[^\s:/?#@]*):[^\s@/?#]+@/gi, `$1$2:${REDACTED}@`],
  // Authorization schemes. Scheme names are case-insensitive (RFC 9110): "bearer" always
  // announces a credential; "token"/"basic" in lower case are too common in prose.
  [/\b(Bearer)(\s+)[A-Za-z0-9\-._~+/]{6,}=*/gi, `$1$2${REDACTED}`],
  [/\b(Basic|Token|Digest)(\s+)[A-Za-z0-9\-._~+/]{6,}=*/g, `$1$2${REDACTED}`],
  // JWTs (header.payload.signature, signature possibly empty).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Cloud and SaaS key shapes.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g, REDACTED],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, REDACTED],
  // Header lines whose whole value is a credential.
  [
    /(\b(?:Authorization|Cookie|Set-Cookie|Proxy-Authorization|X-Api-Key|X-Auth-Token)\s*:\s*)[^\r\n]+/gi,
    `$1${REDACTED}`,
  ],
  // KEY=value (env dumps, query strings, --flag=value) and "key": "value" (JSON in text). After
  // a colon only a quoted value counts, so prose such as "Invalid token: expected a string"
  // stays readable.
  [
    /(?<![\w.-])(?=([\w.-]+))\1(["']?\s*)([:=])(\s*)("[^"\n]*"|'[^'\n]*'|[^\s&,;"'}]+)/g,
    (match, key = "", gap = "", sep = "", space = "", value = "") => {
      if (!SECRET_WORD.test(key) || value.includes(REDACTED)) return match;
      const quoted = value.startsWith('"') || value.startsWith("'");
      if (sep === ":" && !quoted) return match;
      return `${key}${gap}${sep}${space}${quoted ? `${value[0]}${REDACTED}${value[0]}` : REDACTED}`;
    },
  ],
  // --password value (command lines).
  [
    /(?<![\w-])(--?)(?=([\w-]+))\2(\s+)(?!-)("[^"\n]*"|'[^'\n]*'|\S+)/g,
    (match, dashes = "", key = "", space = "", value = "") =>
      SECRET_WORD.test(key) && !value.includes(REDACTED) ? `${dashes}${key}${space}${REDACTED}` : match,
  ],
];

/**
 * Every literal that one of the value patterns needs before it can match, lower-cased. A
 * text (lower-cased) with none of them cannot change under `redactText`: the patterns are
 * skipped, which is what keeps an emit cheap and 200 MB of `manifest run` output fast.
 * Grouped by first letter, so the regexp engine rejects most positions on one character.
 * Keep it in step with VALUE_PATTERNS: test/redact.test.ts checks it against the corpus.
 */
export const SECRET_HINT = new RegExp(
  [
    // AWS access keys; Google keys (AIza); api-key, also in X-Api-Key; Authorization
    "a(?:kia|sia|gpa|ida|roa|ipa|npa|nva|bia|cca|iza|pi[_-]?key|uthorization)",
    "b(?:earer|asic)", // Authorization schemes (Token and Digest below)
    "c(?:ookie|redential)",
    "digest",
    "eyj", // JWTs
    "g(?:h[pousr]_|ithub_pat_|lpat-)", // GitHub and GitLab tokens
    "k_(?:live|test)_", // Stripe-style keys
    "npm_",
    "p(?:ass|rivate[_-]?key)", // password, passwd, passphrase; private keys as KEY=value
    "s(?:k-|ecret|ession)",
    "token", // also X-Auth-Token
    "xox", // Slack
    "-----begin", // PEM private keys
    // user:password@ in URLs: the pattern's own tail, so a plain URL (every ESM stack frame is
    // a file:// one) does not send its text through all the patterns. Linear: the scan from a
    // "://" stops at the next "/". ASCII white space only: the run log's redactor reads bytes
    // as latin1, where a UTF-8 "à" holds U+00A0, which `\s` would count as a space.
    ":\\/\\/[^\\t\\n\\v\\f\\r :/?#@]*:[^\\t\\n\\v\\f\\r @/?#]+@",
    "[_.-]key\\s*[=:]", // SENDGRID_KEY=… (a key word at the end of the name)
  ].join("|"),
  "g",
);

/** Whether `text` may hold a secret that `redactText` would replace (a fast, safe gate). */
export function mayHoldSecret(text: string): boolean {
  SECRET_HINT.lastIndex = 0;
  return SECRET_HINT.test(text.toLowerCase());
}

/** Replaces every secret-looking substring of `text` with `[REDACTED]`. */
export function redactText(text: string): string {
  if (!mayHoldSecret(text)) return text;
  let out = text;
  for (const [pattern, replacement] of VALUE_PATTERNS) {
    pattern.lastIndex = 0;
    out = typeof replacement === "string" ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

export interface RedactOptions {
  /** Extra secret key names from config (`redact.keys`). */
  extraKeys?: readonly string[];
  /** Depth below which nested values are replaced by a marker (default 8). */
  maxDepth?: number;
  /**
   * Strings longer than this many characters are cut before the patterns run (default
   * 256 Ki), so a runaway value costs bounded time. Pick it well above the final size limit:
   * the final cut then falls inside text that redaction has already seen whole.
   */
  maxStringLength?: number;
}

/**
 * Deep copy of `value` that is safe to write: secret keys (any nesting) and secret-looking
 * strings are `[REDACTED]`, cycles and non-JSON values become markers. Never throws.
 */
export function redactValue(value: unknown, options: RedactOptions = {}): unknown {
  const isSecretKey = secretKeyMatcher(options.extraKeys);
  const maxDepth = options.maxDepth ?? 8;
  const maxString = options.maxStringLength ?? 256 * 1024;
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") return redactText(v.length > maxString ? `${v.slice(0, maxString)}…` : v);
    if (v === null || typeof v === "number" || typeof v === "boolean") return v;
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "undefined" || typeof v === "function" || typeof v === "symbol") return undefined;
    if (typeof v !== "object") return undefined;
    if (seen.has(v)) return "[Circular]";
    if (depth >= maxDepth) return "[Truncated: too deep]";
    seen.add(v);
    try {
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
      if (v instanceof Error) return { name: v.name, message: redactText(v.message) };
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[Binary ${v.byteLength} bytes]`;
      if (v instanceof Map) return walk(Object.fromEntries(v), depth);
      if (v instanceof Set) return walk([...v], depth);
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1) ?? null);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        let item: unknown;
        try {
          item = (v as Record<string, unknown>)[key];
        } catch {
          item = "[Unreadable]";
        }
        if (isSecretKey(key) && item !== undefined && item !== null && item !== "") {
          out[key] = REDACTED;
          continue;
        }
        const walked = walk(item, depth + 1);
        if (walked !== undefined) out[key] = walked;
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  try {
    return walk(value, 0);
  } catch {
    return "[Unserializable]";
  }
}
