import { describe, expect, it } from "vitest";
import { mayHoldSecret, REDACTED, redactText, redactValue, secretKeyMatcher } from "../bus/redact.js";

const jwt =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const pem =
  "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtopsecretkeymaterial\nabcdefghijklmnop\n-----END RSA PRIVATE KEY-----";

describe("secret keys", () => {
  const isSecret = secretKeyMatcher(["internalRef"]);

  it.each([
    "password",
    "Password",
    "userPassword",
    "passwd",
    "client_secret",
    "accessToken",
    "refresh-token",
    "apiKey",
    "API_KEY",
    "api-key",
    "Authorization",
    "cookie",
    "sessionId",
    "private_key",
    "creditCard",
    "card_number",
    "cvv",
    "ssn",
    "pwd",
    "internal_ref",
  ])("treat %s as secret", (key) => {
    expect(isSecret(key)).toBe(true);
  });

  it.each(["className", "name", "email", "cwd", "passenger", "description", "count"])("leave %s alone", (key) => {
    expect(isSecret(key)).toBe(false);
  });
});

describe("secret values inside text", () => {
  it.each([
    ["a bearer token", `Authorization failed for Bearer abc123def456ghi789`, "abc123def456ghi789"],
    ["a JWT", `token was ${jwt} and expired`, jwt],
    ["a PEM private key", `key:\n${pem}\nend`, "topsecretkeymaterial"],
    ["a PEM key cut before its END line", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg", "MIIEvQIBADANBg"],
    ["an AWS access key", "using AKIAIOSFODNN7EXAMPLE for s3", "AKIAIOSFODNN7EXAMPLE"],
    ["an sk- key", "OPENAI_KEY is sk-proj-abcdefghijklmnopqrstuvwx", "sk-proj-abcdefghijklmnopqrstuvwx"],
    ["a GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
    ["a Slack token", "xoxb-123456789012-abcdefghijkl", "xoxb-123456789012-abcdefghijkl"],
    ["a URL password", "connect postgres://app:s3cr3tpass@db:5432/x failed", "s3cr3tpass"],
    ["a URL password with no secret word", "connect mysql://app:hunter2@db/x failed", "hunter2"],
    ["an env assignment", "DATABASE_PASSWORD=hunter2 node server.js", "hunter2"],
    ["a .env key named *_KEY", "SENDGRID_KEY=SG.abcdefghij.klmnopqrst\nPORT=3000", "SG.abcdefghij.klmnopqrst"],
    ["a query string", "GET /login?user=bob&password=hunter2&x=1", "hunter2"],
    ["a JSON pair in a log line", `body {"password":"hunter2","user":"bob"}`, "hunter2"],
    ["a command-line flag", "mysql --password hunter2 -u root", "hunter2"],
    ["a cookie header", "Cookie: sid=abc123; theme=dark", "abc123"],
  ])("redact %s", (_what, text, secret) => {
    // The fast gate must let every secret through to the patterns.
    expect(mayHoldSecret(text)).toBe(true);
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it("keep the readable context around a secret", () => {
    expect(redactText("connect postgres://app:s3cr3tpass@db:5432/x failed")).toBe(
      `connect postgres://app:${REDACTED}@db:5432/x failed`,
    );
    expect(redactText("Authorization failed for Bearer abc123def456ghi789")).toBe(
      `Authorization failed for Bearer ${REDACTED}`,
    );
  });

  it("skip the patterns for text with nothing secret-shaped in it", () => {
    expect(mayHoldSecret("TypeError: Cannot read properties of undefined (reading 'name')")).toBe(false);
    expect(mayHoldSecret("    at createUser (/app/features/create-user.js:14:30)")).toBe(false);
    // ESM stack frames are URLs: only one with a user:password@ part may hold a secret.
    expect(mayHoldSecret("    at createUser (file:///app/features/create-user.mjs:14:30)")).toBe(false);
    expect(mayHoldSecret("see https://example.com/a?b=c@d")).toBe(false);
  });

  it("leave ordinary error prose readable", () => {
    const prose = "Invalid token: expected a string but got undefined at line 3";
    expect(redactText(prose)).toBe(prose);
    expect(redactText("MONKEY=banana and cache key=user:42 stay")).toBe("MONKEY=banana and cache key=user:42 stay");
    expect(redactText("Cannot read properties of undefined (reading 'name')")).toBe(
      "Cannot read properties of undefined (reading 'name')",
    );
  });
});

describe("redacting values", () => {
  it("redacts secret keys at any depth, in arrays too", () => {
    const input = {
      user: { name: "bob", auth: { password: "hunter2", tokens: [{ refreshToken: "r1" }] } },
      list: [{ apiKey: "k1" }, { note: "fine" }],
    };
    const out = JSON.stringify(redactValue(input));
    for (const secret of ["hunter2", "r1", "k1"]) expect(out).not.toContain(`"${secret}"`);
    expect(out).toContain('"bob"');
    expect(out).toContain('"fine"');
  });

  it("redacts secret-looking strings under innocent keys", () => {
    const out = JSON.stringify(redactValue({ note: `call with ${jwt}` }));
    expect(out).not.toContain(jwt);
  });

  it("survives cycles, odd types and throwing getters without throwing", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const tricky = {
      get boom(): never {
        throw new Error("getter");
      },
      big: 10n,
      when: new Date(0),
      fn: () => 1,
      buf: Buffer.from("abc"),
      map: new Map([["password", "x"]]),
    };
    expect(redactValue(cyclic)).toEqual({ a: 1, self: "[Circular]" });
    expect(redactValue(tricky)).toEqual({
      boom: "[Unreadable]",
      big: "10",
      when: "1970-01-01T00:00:00.000Z",
      buf: "[Binary 3 bytes]",
      map: { password: REDACTED },
    });
  });

  it("cuts nesting beyond the depth limit", () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 20; i++) deep = { deeper: deep };
    expect(JSON.stringify(redactValue(deep, { maxDepth: 5 }))).toContain("[Truncated: too deep]");
  });

  it("bounds the time spent on a runaway string", () => {
    const huge = `${"a".repeat(1_000_000)} password=hunter2`;
    const out = redactValue(huge, { maxStringLength: 1000 }) as string;
    expect(out.length).toBeLessThan(1100);
  });
});
