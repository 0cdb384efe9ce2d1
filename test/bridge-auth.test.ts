import { describe, expect, it } from "vitest";
import { createAttemptLimiter } from "../sidecar/bridge/attempts.js";
import {
  authorize,
  bearerToken,
  cookieFrom,
  SESSION_COOKIE,
  SESSION_MAX_AGE_S,
  secretsEqual,
  sessionCookieValid,
  sessionCookieValue,
  sessionSetCookie,
  withoutCookie,
} from "../sidecar/bridge/auth.js";

const TOKEN = "t0ken-with-enough-entropy-123456";
const NOW = 1_800_000_000;

describe("the bridge's credentials", () => {
  it("compares secrets whatever their lengths", () => {
    expect(secretsEqual(TOKEN, TOKEN)).toBe(true);
    expect(secretsEqual(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(secretsEqual("", TOKEN)).toBe(false);
  });

  it("takes a bearer token only from a well-formed Authorization header", () => {
    expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`bearer  ${TOKEN} `)).toBe(TOKEN);
    expect(bearerToken(`Basic ${TOKEN}`)).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("accepts the bearer token or a session cookie made with it, nothing else", () => {
    const cookie = `${SESSION_COOKIE}=${sessionCookieValue(TOKEN, NOW)}`;
    expect(authorize(TOKEN, { authorization: `Bearer ${TOKEN}` }, NOW)).toEqual({ ok: true, via: "bearer" });
    expect(authorize(TOKEN, { cookie: `a=1; ${cookie}; b=2` }, NOW + 10)).toEqual({ ok: true, via: "cookie" });
    expect(authorize(TOKEN, { authorization: "Bearer wrong" }, NOW)).toEqual({ ok: false, presented: true });
    expect(authorize(TOKEN, {}, NOW)).toEqual({ ok: false, presented: false });
    // A cookie made with another token (the token was rotated) is worthless.
    const old = `${SESSION_COOKIE}=${sessionCookieValue("the-old-token-000000000000", NOW)}`;
    expect(authorize(TOKEN, { cookie: old }, NOW)).toEqual({ ok: false, presented: true });
  });

  it("lets a session cookie expire, and refuses one from the future or tampered with", () => {
    const value = sessionCookieValue(TOKEN, NOW);
    expect(sessionCookieValid(TOKEN, value, NOW + SESSION_MAX_AGE_S)).toBe(true);
    expect(sessionCookieValid(TOKEN, value, NOW + SESSION_MAX_AGE_S + 1)).toBe(false);
    expect(sessionCookieValid(TOKEN, value, NOW - 3600)).toBe(false);
    expect(sessionCookieValid(TOKEN, value.replace(`.${NOW}.`, `.${NOW + 1}.`), NOW + 5)).toBe(false);
    expect(sessionCookieValid(TOKEN, TOKEN, NOW)).toBe(false);
  });

  it("sets an HttpOnly, SameSite=Strict cookie (Secure behind https), and clears it", () => {
    const set = sessionSetCookie("v", { secure: false });
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    expect(set).toContain("Path=/");
    expect(set).not.toContain("Secure");
    expect(sessionSetCookie("v", { secure: true })).toContain("; Secure");
    expect(sessionSetCookie("v", { secure: false, clear: true })).toMatch(/^spark_web=; .*Max-Age=0/);
  });

  it("reads and strips one cookie, leaving the app's own", () => {
    const header = `app=1; ${SESSION_COOKIE}=abc; other=x=y`;
    expect(cookieFrom(header, SESSION_COOKIE)).toBe("abc");
    expect(cookieFrom(header, "other")).toBe("x=y");
    expect(withoutCookie(header, SESSION_COOKIE)).toBe("app=1; other=x=y");
    expect(withoutCookie(`${SESSION_COOKIE}=abc`, SESSION_COOKIE)).toBeUndefined();
  });
});

describe("slowing down wrong tokens", () => {
  const policy = { windowMs: 60_000, maxFailures: 4, baseDelayMs: 100, maxDelayMs: 500, maxTracked: 3 };

  it("waits longer after each wrong token, up to a cap", () => {
    const limiter = createAttemptLimiter(policy);
    expect([1, 2, 3, 4].map(() => limiter.fail("a", 0))).toEqual([100, 200, 400, 500]);
  });

  it("refuses an address that failed too often until the window has passed, then lets it try again", () => {
    const limiter = createAttemptLimiter(policy);
    for (let i = 0; i < 4; i++) limiter.fail("a", 1000);
    expect(limiter.check("a", 1000)).toEqual({ allowed: false, retryAfterS: 60 });
    expect(limiter.check("a", 60_500)).toEqual({ allowed: false, retryAfterS: 1 });
    expect(limiter.check("b", 1000)).toEqual({ allowed: true });
    expect(limiter.check("a", 61_000)).toEqual({ allowed: true });
    expect(limiter.fail("a", 61_000)).toBe(100);
  });

  it("forgets an address on a right token", () => {
    const limiter = createAttemptLimiter(policy);
    limiter.fail("a", 0);
    limiter.fail("a", 0);
    limiter.succeed("a");
    expect(limiter.fail("a", 0)).toBe(100);
  });

  it("tracks a bounded number of addresses, evicting the least recently failed", () => {
    const limiter = createAttemptLimiter(policy);
    for (const address of ["a", "b", "c"]) limiter.fail(address, 0);
    limiter.fail("a", 1);
    limiter.fail("d", 2);
    expect(limiter.size()).toBe(3);
    // b was the least recently failed: it starts afresh.
    expect(limiter.fail("b", 3)).toBe(100);
    expect(limiter.fail("a", 3)).toBe(400);
  });
});
