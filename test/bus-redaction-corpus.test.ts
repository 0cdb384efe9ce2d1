import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { BusPaths } from "../bus/paths.js";
import { readEventFile } from "../bus/read-event.js";
import { walk } from "./helpers/bus-state.js";
import { runFixture, startFixture, tagged } from "./helpers/fixtures.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/** A secret as it was handed to the emitter, and the parts of it that must never reach the disk. */
interface Secret {
  label: string;
  parts: string[];
}

function pem(kind: "rsa" | "ec" | "ed25519"): string {
  const publicKeyEncoding = { type: "spki", format: "pem" } as const;
  if (kind === "rsa") {
    const privateKeyEncoding = { type: "pkcs1", format: "pem" } as const;
    return generateKeyPairSync("rsa", { modulusLength: 1024, privateKeyEncoding, publicKeyEncoding }).privateKey;
  }
  if (kind === "ec") {
    const privateKeyEncoding = { type: "sec1", format: "pem" } as const;
    return generateKeyPairSync("ec", { namedCurve: "P-256", privateKeyEncoding, publicKeyEncoding }).privateKey;
  }
  const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
  return generateKeyPairSync("ed25519", { privateKeyEncoding, publicKeyEncoding }).privateKey;
}

function opensshKey(): string {
  const body =
    randomBytes(300)
      .toString("base64")
      .match(/.{1,70}/g) ?? [];
  return ["-----BEGIN OPENSSH PRIVATE KEY-----", ...body, "-----END OPENSSH PRIVATE KEY-----", ""].join("\n");
}

/** The base64 lines of a PEM block: each is the key itself. */
function pemBody(block: string): string[] {
  return block.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
}

const S = {
  password: "Tr0ub4dor&3-horse-battery",
  nestedPasswd: "nested-passwd-Qx81!",
  deviceToken: "dev-tok-8f7e6d5c4b3a",
  arrayApiKey: "arr-apikey-55aa66bb77cc",
  bearerInMessage: "upstreamBearer0123456789abcdef",
  bearerInHeader: "headerBearer9876543210fedcba",
  bearerInStack: "stackBearerAbCdEf0123456789",
  bearerCrash: "crashBearerZyXw9876543210",
  cookieInput: "s%3AcookieSidValue.abc123XYZ",
  cookieInMessage: "msgCookieSid-5566778899",
  setCookieInTail: "setCookieSessionValue778899",
  session: "sess_0a1b2c3d4e5f6a7b",
  card: "4111111111111111",
  jwtPayload: "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIiwiaWF0IjoxNTE2MjM5MDIyfQ",
  jwtSignature: "c2lnbmF0dXJlLXNlY3JldC1wYXJ0LWZvci10ZXN0cw",
  resetToken: "rst_9c8b7a6f5e4d3c2b",
  urlPassword: "urlP4ssw0rd-in-redirect",
  pgPassword: "pgEnvPassword-2024",
  dbUrlPassword: "dbUrlPassword-7781",
  cliPassword: "cliFlagPassword-3345",
  tailPassword: "tailPassword-hunter2",
  awsAccessKey: "AKIAIOSFODNN7EXAMPLE",
  awsSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  openaiKey: "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv",
  githubToken: "ghp_1234567890abcdefghijABCDEFGHIJ123456",
  slackToken: "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  configuredKey: "corp-internal-ref-0xDEADBEEF",
};
const JWT = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${S.jwtPayload}.${S.jwtSignature}`;
const KEYS = { rsa: pem("rsa"), ec: pem("ec"), pkcs8: pem("ed25519"), openssh: opensshKey() };

const SECRETS: Secret[] = [
  ...Object.entries(S).map(([label, value]) => ({ label, parts: [value] })),
  { label: "jwt", parts: [JWT] },
  ...Object.entries(KEYS).map(([label, block]) => ({ label: `${label} private key`, parts: pemBody(block) })),
];

const stackOf = (message: string, ...frames: string[]) => [message, ...frames.map((f) => `    at ${f}`)].join("\n");

const signUpMessage = `UpstreamError: Upstream refused us: Bearer ${S.bearerInMessage} was rejected by auth-service`;
const sessionMessage = `Session check failed for jwt ${JWT} (expired)`;
const keysMessage = `OpenAI call failed with key ${S.openaiKey}; GitHub said no to ${S.githubToken}; Slack bot ${S.slackToken} is disabled`;

/** What emit-secrets.mjs emits: every secret shape of the protocol, in every place it can hide. */
const CORPUS = {
  events: [
    {
      kind: "server-error",
      feature: "sign-up",
      route: "POST /users",
      requestId: "req-corpus-1",
      error: {
        name: "UpstreamError",
        message: signUpMessage.slice("UpstreamError: ".length),
        stack: stackOf(
          signUpMessage,
          "callAuth (/app/src/auth.ts:42:11)",
          `signUp (/app/src/users.ts:17:3) headers={ Authorization: 'Bearer ${S.bearerInStack}' }`,
        ),
      },
      input: {
        user: {
          name: "alice",
          email: "alice@example.com",
          password: S.password,
          profile: { settings: { security: { passwd: S.nestedPasswd, hint: "first pet" } } },
        },
        devices: [{ label: "laptop", token: S.deviceToken }, [{ nested: [{ apiKey: S.arrayApiKey }] }]],
        headers: {
          authorization: `Bearer ${S.bearerInHeader}`,
          cookie: `sid=${S.cookieInput}; theme=dark`,
          "user-agent": "curl/8.0",
        },
        payment: { cardNumber: S.card, currency: "EUR" },
        session_id: S.session,
        internalRef: S.configuredKey,
        deploy: { sshKey: KEYS.openssh },
      },
    },
    {
      kind: "server-error",
      feature: "password-reset",
      route: `GET /reset-password?token=${S.resetToken}&user=carol`,
      requestId: "req-corpus-2",
      error: {
        message: `${sessionMessage}; Cookie: sid=${S.cookieInMessage}`,
        stack: stackOf(`Error: ${sessionMessage}`, "verify (/app/src/jwt.ts:9:9)"),
      },
      input: { query: { redirect: `https://bob:${S.urlPassword}@internal.example.com/callback` } },
    },
    {
      kind: "emit",
      event: {
        type: "process-error",
        command: `PGPASSWORD=${S.pgPassword} psql postgres://admin:${S.dbUrlPassword}@db.internal:5432/app --password ${S.cliPassword}`,
        exitCode: 1,
        error: { message: "migrate failed with exit code 1" },
        tail: [
          "Running migrations…",
          `DATABASE_URL=postgres://admin:${S.dbUrlPassword}@db.internal:5432/app`,
          `password=${S.tailPassword}`,
          `aws_secret_access_key=${S.awsSecret}`,
          `Using AWS key ${S.awsAccessKey} in us-east-1`,
          `Set-Cookie: session=${S.setCookieInTail}; Path=/; HttpOnly`,
          "Loaded key:",
          KEYS.rsa,
          'ERROR: relation "users" does not exist',
        ].join("\n"),
      },
    },
    {
      kind: "emit",
      event: {
        type: "unhandled-error",
        error: { message: keysMessage, stack: stackOf(`Error: ${keysMessage}`, "post (/app/src/notify.ts:3:3)") },
        context: { note: "rotating keys", ecKey: KEYS.ec, pkcs8: KEYS.pkcs8 },
      },
    },
  ],
  crash: { message: `Fatal: could not connect with Bearer ${S.bearerCrash} to payments` },
};

/** Text that is not secret and must survive redaction, so that the event still helps. */
const CONTEXT = [
  "Upstream refused us: Bearer [REDACTED] was rejected by auth-service",
  "callAuth (/app/src/auth.ts:42:11)",
  "alice@example.com",
  "first pet",
  "laptop",
  "curl/8.0",
  "EUR",
  "POST /users",
  "user=carol",
  "Session check failed for jwt [REDACTED] (expired)",
  "https://bob:[REDACTED]@internal.example.com/callback",
  "postgres://admin:[REDACTED]@db.internal:5432/app",
  "Running migrations",
  "Using AWS key [REDACTED] in us-east-1",
  "Loaded key:",
  "does not exist",
  "migrate failed with exit code 1",
  "OpenAI call failed with key [REDACTED]; GitHub said no to [REDACTED]; Slack bot [REDACTED] is disabled",
  "rotating keys",
];

function writeProject(root: string): void {
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "secrets-app", type: "module" }));
  mkdirSync(join(root, "config"));
  // An extra secret key from the project's config: redacted like the built-in ones.
  writeFileSync(join(root, "config", "spark.ts"), 'export default { redact: { keys: ["internalRef"] } };\n');
}

/** Every secret part found in any byte (or file name) under `.spark/`, with where it was. */
function leaks(paths: BusPaths): string[] {
  const found: string[] = [];
  for (const { path, stat } of walk(paths.spark)) {
    const text = stat.isFile() ? readFileSync(path, "utf8") : "";
    for (const secret of SECRETS) {
      for (const part of secret.parts) {
        const escaped = JSON.stringify(part).slice(1, -1);
        if (path.includes(part) || text.includes(part) || text.includes(escaped)) {
          found.push(`${secret.label} in ${path.slice(paths.spark.length)}`);
        }
      }
    }
  }
  return found;
}

function eventTexts(paths: BusPaths): string[] {
  return readdirSync(paths.events)
    .filter((name) => name.endsWith(".json"))
    .map((name) => readFileSync(join(paths.events, name), "utf8"));
}

describe.each(["app", "bus"])("a corpus of secrets emitted through the %s path", (via) => {
  const project = suiteProject();
  let emitted: string[] = [];

  beforeAll(async () => {
    writeProject(project.root);
    const result = await runFixture("emit-secrets.mjs", ["--via", via], {
      cwd: project.root,
      input: JSON.stringify(CORPUS),
    });
    emitted = result.stdout.split("\n").filter((l) => l !== "");
  });

  it("writes every event, and each one is valid", () => {
    expect(emitted).toHaveLength(CORPUS.events.length);
    expect(emitted.every((line) => line.startsWith("emitted "))).toBe(true);
    for (const id of tagged(emitted, "emitted")) {
      const read = readEventFile(join(project.paths.events, `${id}.json`), `${id}.json`);
      expect(read.ok ? "valid" : read).toBe("valid");
    }
  });

  it("leaves not one secret in any byte of any file under .spark/", () => {
    expect(walk(project.paths.spark).length).toBeGreaterThan(CORPUS.events.length);
    expect(leaks(project.paths)).toEqual([]);
  });

  it("keeps the context around each secret, so the event still tells what went wrong", () => {
    const text = eventTexts(project.paths)
      .flatMap((body) => collectStrings(JSON.parse(body)))
      .join("\n");
    expect(CONTEXT.filter((snippet) => !text.includes(snippet))).toEqual([]);
  });

  it("redacts the secret keys of the request input by name, keeping the keys", () => {
    const signUp = eventTexts(project.paths)
      .map((text) => JSON.parse(text) as { feature?: string; request?: { input?: Record<string, unknown> } })
      .find((event) => event.feature === "sign-up");
    const input = signUp?.request?.input as {
      user: { password: string; profile: { settings: { security: { passwd: string } } } };
      devices: [{ token: string }, [{ nested: [{ apiKey: string }] }]];
      session_id: string;
      internalRef: string;
      payment: { cardNumber: string };
    };
    expect([
      input.user.password,
      input.user.profile.settings.security.passwd,
      input.devices[0].token,
      input.devices[1][0].nested[0].apiKey,
      input.session_id,
      input.internalRef,
      input.payment.cardNumber,
    ]).toEqual(Array(7).fill("[REDACTED]"));
  });
});

describe("an uncaught exception carrying a bearer token, recorded by the process hooks", () => {
  it("is written as an unhandled-error event without the token, and the app still dies", async () => {
    const { root, paths } = tempProject();
    writeProject(root);
    const app = startFixture("emit-secrets.mjs", ["--via", "app", "--crash"], { cwd: root });
    app.child.stdin?.end(JSON.stringify(CORPUS));
    const result = await app.exit;
    expect(result.code).toBe(1);
    const events = eventTexts(paths).map((text) => JSON.parse(text) as { type: string; error?: { message: string } });
    expect(events.map((e) => [e.type, e.error?.message])).toEqual([
      ["unhandled-error", "Fatal: could not connect with Bearer [REDACTED] to payments"],
    ]);
    expect(leaks(paths)).toEqual([]);
  });
});

describe("a bearer token whose scheme is written in lower case", () => {
  // Auth scheme names are case-insensitive (RFC 9110 §11.1): `bearer x` is as much a token as `Bearer x`.
  it("is redacted like `Bearer …` (curl -v output over HTTP/2 in a command's tail)", async () => {
    const { root, paths } = tempProject();
    writeProject(root);
    const token = "lowercaseSchemeToken4455667788";
    const corpus = {
      events: [
        {
          kind: "emit",
          event: {
            type: "process-error",
            command: "npm run smoke",
            exitCode: 22,
            error: { message: "smoke test failed" },
            tail: `> GET /api/me HTTP/2\n> authorization: bearer ${token}\n< HTTP/2 401`,
          },
        },
      ],
    };
    await runFixture("emit-secrets.mjs", ["--via", "app"], { cwd: root, input: JSON.stringify(corpus) });
    const [event] = eventTexts(paths).map((text) => JSON.parse(text) as { tail: string });
    expect(event?.tail).toContain("< HTTP/2 401");
    expect(event?.tail).not.toContain(token);
  });
});

/** Every string anywhere in a JSON value (so context checks see text as written, unescaped). */
function collectStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(collectStrings);
  return [];
}
