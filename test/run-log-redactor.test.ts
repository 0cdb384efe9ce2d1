import { generateKeyPairSync } from "node:crypto";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { REDACTED, redactText } from "../bus/redact.js";
import { LogRedactor } from "../cli/run/log-redactor.js";

/** What the log must hold for one line: exactly what events get for it. */
const reference = (line: string) => redactText(stripVTControlCharacters(line));

/** Runs `text` through a redactor in pieces of `size` bytes. */
function throughLog(text: string | Buffer, size = 4096, maxLineBytes?: number): Buffer {
  const redactor = new LogRedactor(maxLineBytes);
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...redactor.push(bytes.subarray(i, i + size)));
  out.push(...redactor.end());
  return Buffer.concat(out);
}

const jwt =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/** One line per pattern of bus/redact.ts, in the case variants that reach it. */
const SECRET_LINES = [
  "Authorization failed for Bearer abc123def456ghi789",
  "Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==",
  "auth Token abcdef0123456789 and Digest username0123",
  `token was ${jwt} and expired`,
  "using AKIAIOSFODNN7EXAMPLE for s3, and ASIAIOSFODNN7EXAMPLE",
  "OPENAI_KEY is sk-proj-abcdefghijklmnopqrstuvwx",
  "stripe sk_live_abcdefghij0123 rk_test_abcdefghij0123",
  "ghp_abcdefghijklmnopqrstuvwxyz0123456789 and github_pat_abcdefghijklmnopqrstuvwxyz",
  "xoxb-123456789012-abcdefghijkl",
  "gitlab glpat-abcdefghijklmnopqrstuvwx",
  "maps AIzaSyA-abcdefghijklmnopqrstuvwxyz01234",
  "npm npm_abcdefghijklmnopqrstuvwxyz0123456789",
  "connect postgres://app:s3cr3tpass@db:5432/x failed",
  "conn https://bob:voilà123@db.example/x and https://Рома:hunter2@db/", // UTF-8 bytes 0xA0 in the URLs
  "DATABASE_PASSWORD=hunter2 node server.js",
  "PASSWD=hunter2 Passphrase=hunter3",
  "GET /login?user=bob&password=hunter2&x=1",
  `body {"password":"hunter2","user":"bob","api_key":"k-123456"}`,
  `{"Client-Secret": "abc", "sessionId": 'xyz', "credentials": "c"}`,
  "mysql --password hunter2 -u root --api-key k123456",
  "Cookie: sid=abc123; theme=dark",
  "Set-Cookie: session=abc123; HttpOnly",
  "X-Api-Key: 0123456789abcdef",
  "X-Auth-Token: 0123456789abcdef",
  "PRIVATE_KEY=abc SESSION_TOKEN=def apiKey=ghi",
  "\u001b[31mpassword=hunter2\u001b[0m in red",
];

describe("LogRedactor", () => {
  it.each(SECRET_LINES)("redacts %j exactly as events are redacted", (line) => {
    const out = throughLog(`${line}\n`).toString();
    expect(out).toBe(`${reference(line)}\n`);
    expect(out).toContain(REDACTED);
  });

  it("writes plain output byte for byte, invalid UTF-8 and all", () => {
    const plain = Buffer.concat([
      Buffer.from("2026-01-02T03:04:05Z INFO GET /api/users/42 200 12ms\n".repeat(2000)),
      Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]),
      Buffer.from("héllo 日本\nno newline at the end"),
    ]);
    for (const size of [1, 7, 4096, 65_536]) {
      expect(throughLog(plain, size).equals(plain)).toBe(true);
    }
  });

  it("redacts a secret that arrives split across chunks", () => {
    const text = "start\nexport API_KEY=supersecretvalue123 # set\nend\n";
    for (let size = 1; size < text.length; size++) {
      expect(throughLog(text, size).toString()).toBe(`start\nexport API_KEY=${REDACTED} # set\nend\n`);
    }
  });

  it("drops every line of a private key printed over many lines", () => {
    const key = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      privateKeyEncoding: { type: "sec1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;
    const body = key.split("\n").filter((l) => l.length > 0 && !l.startsWith("-----"));
    const text = `before\nloaded key: ${key}after\n`;
    for (const size of [3, 50, 4096]) {
      const out = throughLog(text, size).toString();
      for (const line of body) expect(out).not.toContain(line);
      expect(out).toBe(`before\nloaded key: ${REDACTED}\nafter\n`);
    }
  });

  it("drops an encrypted key's headers and body too", () => {
    const key = [
      "-----BEGIN RSA PRIVATE KEY-----",
      "Proc-Type: 4,ENCRYPTED",
      "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF",
      "",
      "MIIEowIBAAKCAQEAtopsecretkeymaterialAAAA",
      "abcdefghijklmnop==",
      "-----END RSA PRIVATE KEY-----",
    ].join("\n");
    const out = throughLog(`${key}\nnext line\n`, 16).toString();
    expect(out).toBe(`${REDACTED}\nnext line\n`);
  });

  it("loses nothing after a message that only names a key's BEGIN line", () => {
    const text = 'Error: the key must start with "-----BEGIN PRIVATE KEY-----"\n    at load (key.js:3)\nretrying\n';
    const out = throughLog(text).toString();
    expect(out).toContain("    at load (key.js:3)\nretrying\n");
    expect(out.startsWith(reference('Error: the key must start with "-----BEGIN PRIVATE KEY-----"'))).toBe(true);
  });

  it("strips terminal escapes from lines, keeping the text", () => {
    expect(throughLog("\u001b[32m✓ built\u001b[39m in 12ms\n").toString()).toBe("✓ built in 12ms\n");
  });

  it("cuts a line longer than the limit, and still writes all of it", () => {
    const long = `${"a".repeat(300_000)}\n`;
    const out = throughLog(long, 65_536, 64 * 1024);
    expect(out.toString()).toBe(long);
    const wide = `${"é".repeat(100_000)}\n`;
    expect(throughLog(wide, 65_536, 1001).toString()).toBe(wide);
  });

  // Random lines built from the pieces secrets are made of: whenever redactText would change a
  // line, the gate must have let it through. Catches a pattern added to bus/redact.ts that the
  // gate does not know.
  it("agrees with redactText on thousands of random lines", () => {
    const pieces = [
      "password",
      "PassWord",
      "passwd",
      "secret",
      "TOKEN",
      "token",
      "api_key",
      "Api-Key",
      "apikey",
      "authorization",
      "Cookie",
      "session",
      "private_key",
      "credential",
      "Bearer ",
      "Basic ",
      "Token ",
      "Digest ",
      "=",
      ": ",
      ":",
      '"',
      "'",
      " ",
      "--",
      "-",
      "hunter2",
      "abcdefghijklmnopqrstuvwxyz0123456789",
      "sk-",
      "sk_live_",
      "pk_test_",
      "ghp_",
      "github_pat_",
      "xoxb-",
      "glpat-",
      "AIza",
      "npm_",
      "eyJ",
      ".",
      "AKIA",
      "IOSFODNN7EXAMPLE",
      "https://",
      "user",
      "@",
      "host",
      "/path",
      "?q=",
      "&",
      "\u001b[1m",
      "plain",
      "words",
      "12345",
      "é",
      "日本",
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const lines = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join(
        "",
      ),
    );
    const expected = `${lines.map(reference).join("\n")}\n`;
    expect(throughLog(`${lines.join("\n")}\n`, 1000).toString()).toBe(expected);
  });
});
