import { scrubText } from "./scrub.js";

/** What kind of failure an SDK error is, as far as a caller can act on it. */
export type FailureKind =
  | "auth"
  | "not-found"
  | "exists"
  | "rate-limited"
  | "server"
  | "network"
  | "exit-lost"
  | "keepalive"
  | "timeout"
  | "other";

/** An error from the Sprites client: what happened (scrubbed of URLs and secrets) and what to do next. */
export class SpriteError extends Error {
  override readonly name = "SpriteError";
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly next: string,
    /** The HTTP status behind it, when there was one. */
    readonly status?: number,
    /** How long the API asked to wait before trying again (429). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The parts of an SDK error the classification reads (APIError, ExecError, Error with a cause). */
interface ErrorShape {
  message?: unknown;
  statusCode?: unknown;
  exitCode?: unknown;
  code?: unknown;
  cause?: { code?: unknown; message?: unknown };
  getRetryAfterSeconds?: () => number | undefined;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/** The classification of an error, and the HTTP status and Retry-After it carried. Pure. */
export function classifyError(error: unknown): { kind: FailureKind; status?: number; retryAfterMs?: number } {
  if (error instanceof SpriteError) return { kind: error.kind, status: error.status, retryAfterMs: error.retryAfterMs };
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ErrorShape;
  const message = String(e.message ?? "");
  const status =
    typeof e.statusCode === "number"
      ? e.statusCode
      : Number(/\(status (\d{3})\)|Unexpected server response: (\d{3})/.exec(message)?.slice(1).find(Boolean)) ||
        undefined;
  const retryAfterSeconds = typeof e.getRetryAfterSeconds === "function" ? e.getRetryAfterSeconds() : undefined;
  const retryAfterMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : undefined;
  if (status === 401 || status === 403 || /^unauthori[sz]ed$|invalid or missing token/i.test(message))
    return { kind: "auth", status };
  if (status === 429) return { kind: "rate-limited", status, retryAfterMs };
  if (status === 409 || /already exists/i.test(message)) return { kind: "exists", status };
  if (status === 404 || e.code === "ENOENT" || /not[ _]found/i.test(message)) return { kind: "not-found", status };
  if (status !== undefined && status >= 500) return { kind: "server", status };
  if (/keepalive timeout/i.test(message)) return { kind: "keepalive" };
  if (e.exitCode === -1) return { kind: "exit-lost" };
  const code = String(e.cause?.code ?? e.code ?? "");
  if (
    NETWORK_CODES.has(code) ||
    /fetch failed|socket hang up|ECONNRESET|ECONNREFUSED|ENOTFOUND|getaddrinfo|other side closed/i.test(message)
  )
    return { kind: "network" };
  return { kind: "other", status };
}

/** Where the error happened, for its message. */
export interface ErrorContext {
  /** The Sprite the call was about. */
  sprite?: string;
  /** What was being done, in a user's words: "creating the Sprite", "running the command". */
  doing: string;
  /** Values that must never be shown (the token, secret values). */
  secrets: readonly string[];
}

/** Turns anything the SDK throws into a SpriteError whose message says what happened and what to do. Pure. */
export function toSpriteError(error: unknown, context: ErrorContext): SpriteError {
  if (error instanceof SpriteError) return error;
  const { kind, status, retryAfterMs } = classifyError(error);
  const detail = scrubText(String((error as { message?: unknown })?.message ?? error), context.secrets);
  const sprite = context.sprite ? `Sprite "${context.sprite}"` : "the Sprite";
  const http = status ? ` (HTTP ${status})` : "";
  switch (kind) {
    case "auth":
      return new SpriteError(
        `The Sprites API refused the token${http} while ${context.doing}.`,
        kind,
        "Set SPRITES_TOKEN, or run `manifest sprite login` with a token from your Sprites account.",
        status,
      );
    case "not-found":
      return new SpriteError(
        context.sprite && !/service|file|director/i.test(detail)
          ? `There is no Sprite named "${context.sprite}".`
          : `Not found while ${context.doing}: ${detail}`,
        kind,
        context.sprite
          ? `See yours with \`manifest sprite list\`, or make it with \`manifest sprite create ${context.sprite}\`.`
          : "Check the name.",
        status,
      );
    case "exists":
      return new SpriteError(
        `${context.sprite ? `A Sprite named "${context.sprite}"` : "It"} already exists.`,
        kind,
        "Use it, or pick another name.",
        status,
      );
    case "rate-limited": {
      const wait = retryAfterMs !== undefined ? ` and asked to wait ${Math.ceil(retryAfterMs / 1000)} s` : "";
      return new SpriteError(
        `The Sprites API is rate limiting${wait} while ${context.doing}.`,
        kind,
        "Try again in a minute.",
        status,
        retryAfterMs,
      );
    }
    case "server":
      return new SpriteError(
        `The Sprites API failed${http} while ${context.doing}: ${detail}`,
        kind,
        "Try again in a moment.",
        status,
      );
    case "network":
      return new SpriteError(
        `Could not reach the Sprites API while ${context.doing}: ${detail}`,
        kind,
        "Check the network (and SPRITES_API_URL if you set it), then try again.",
      );
    case "exit-lost":
      return new SpriteError(
        `The connection to ${sprite} closed before the command reported its exit code; it may or may not have finished.`,
        kind,
        "Check what it was meant to do before running it again.",
      );
    case "keepalive":
      return new SpriteError(
        `The connection to ${sprite} went quiet for 45 s and was dropped; the command may still be running there.`,
        kind,
        "Run it again if it is safe to; long quiet commands should print progress.",
      );
    default:
      return new SpriteError(
        `Failed while ${context.doing}${http}: ${detail}`,
        kind,
        "Try again; if it keeps failing, check the Sprites status page.",
        status,
      );
  }
}
