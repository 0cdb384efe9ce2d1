import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Who may talk to the bridge: whoever holds its token, as `Authorization: Bearer <token>`, or
 * a browser that proved it once through the login and got a session cookie (EventSource cannot
 * send headers). The cookie is an HMAC keyed by the token, so it survives a restart of the
 * bridge and dies with a new token; nothing is stored. Pure, apart from the clock passed in.
 */

/** The session cookie's name. */
export const SESSION_COOKIE = "spark_web";
/** How long a login lasts. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** Compares two secrets in constant time (their digests, so lengths do not leak either). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

/** The token of an `Authorization: Bearer …` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return m?.[1];
}

/** The session cookie's value for a login at `issuedAtS` (unix seconds). */
export function sessionCookieValue(token: string, issuedAtS: number): string {
  return `v1.${issuedAtS}.${mac(token, issuedAtS)}`;
}

/** Whether a session cookie value was made with `token` and is still young enough. */
export function sessionCookieValid(token: string, value: string | undefined, nowS: number): boolean {
  const m = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? "");
  if (!m) return false;
  const issued = Number(m[1]);
  if (issued > nowS + 60 || nowS - issued > SESSION_MAX_AGE_S) return false;
  return secretsEqual(m[2] as string, mac(token, issued));
}

function mac(token: string, issuedAtS: number): string {
  return createHmac("sha256", token).update(`spark-web-session:v1:${issuedAtS}`).digest("base64url");
}

/** Reads one cookie from a `Cookie` header. */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A `Cookie` header without our session cookie (what the proxied app gets: the login is ours). */
export function withoutCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const kept = header
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "" && p.slice(0, p.indexOf("=")).trim() !== name);
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/** The `Set-Cookie` header of a login (or, with `clear`, of a logout). */
export function sessionSetCookie(value: string, options: { secure: boolean; clear?: boolean }): string {
  const parts = [
    `${SESSION_COOKIE}=${options.clear ? "" : value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${options.clear ? 0 : SESSION_MAX_AGE_S}`,
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

/** The decision for one request's credentials. */
export type AuthResult = { ok: true; via: "bearer" | "cookie" } | { ok: false; presented: boolean };

/** Checks a request's `Authorization` and `Cookie` headers against the token. */
export function authorize(
  token: string,
  headers: { authorization?: string | undefined; cookie?: string | undefined },
  nowS: number,
): AuthResult {
  const bearer = bearerToken(headers.authorization);
  if (bearer !== undefined && secretsEqual(bearer, token)) return { ok: true, via: "bearer" };
  const cookie = cookieFrom(headers.cookie, SESSION_COOKIE);
  if (cookie && sessionCookieValid(token, cookie, nowS)) return { ok: true, via: "cookie" };
  return { ok: false, presented: bearer !== undefined || Boolean(cookie) };
}
