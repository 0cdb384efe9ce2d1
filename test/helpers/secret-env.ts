import { generateKeyPairSync } from "node:crypto";

/** A `.env` full of secrets, as an app keeps next to its code, and the secrets in it. */
export interface SecretEnv {
  text: string;
  /** Every secret whole, and each line of the PEM key's body. */
  secrets: string[];
}

/** Builds the `.env` (a fresh RSA key each time: nothing to find by looking it up). */
export function secretEnv(): SecretEnv {
  const pem = generateKeyPairSync("rsa", {
    modulusLength: 1024,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey.trim();
  const S = {
    dbUrlPassword: "dbUrlPassword-7781",
    dbPassword: "pgEnvPassword-2024",
    sessionSecret: "sess_0a1b2c3d4e5f6a7b",
    jwtSecret: "jwtSecretValue-9911",
    apiToken: "rst_9c8b7a6f5e4d3c2b",
    awsAccessKey: "AKIAIOSFODNN7EXAMPLE",
    awsSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    openaiKey: "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv",
    githubToken: "ghp_1234567890abcdefghijABCDEFGHIJ123456",
    slackToken: "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    stripeKey: "sk_live_51HxYzAbCdEfGhIjKlMnOpQr",
    sendgridKey: "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",
    bearer: "upstreamBearer0123456789abcdef",
    jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0.c2lnbmF0dXJlLXNlY3JldC1wYXJ0",
  };
  // A secret on the first line: the dashboard shows the first line of a tool's output.
  const text = [
    `DATABASE_URL=postgres://app:${S.dbUrlPassword}@db.internal:5432/app`,
    `# the app's settings (never committed)`,
    `NODE_ENV=production`,
    `DB_PASSWORD=${S.dbPassword}`,
    `SESSION_SECRET=${S.sessionSecret}`,
    `JWT_SECRET=${S.jwtSecret}`,
    `API_TOKEN=${S.apiToken}`,
    `AWS_ACCESS_KEY_ID=${S.awsAccessKey}`,
    `AWS_SECRET_ACCESS_KEY=${S.awsSecret}`,
    `OPENAI_API_KEY=${S.openaiKey}`,
    `GITHUB_TOKEN=${S.githubToken}`,
    `SLACK_BOT_TOKEN=${S.slackToken}`,
    `STRIPE_KEY=${S.stripeKey}`,
    `SENDGRID_KEY=${S.sendgridKey}`,
    `UPSTREAM_AUTH="Bearer ${S.bearer}"`,
    `SERVICE_JWT=${S.jwt}`,
    `PORT=3000`,
    `PRIVATE_KEY="${pem}"`,
    "",
  ].join("\n");
  const pemBody = pem.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
  return { text, secrets: [...Object.values(S), ...pemBody] };
}

/**
 * The secrets (and every 12-character piece of each) found in `text`, whitespace ignored on
 * both sides: a screen wraps a long secret over two lines, and a piece is already a leak.
 */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  const flat = text.replace(/\s+/g, "");
  const found: string[] = [];
  for (const secret of secrets) {
    const s = secret.replace(/\s+/g, "");
    for (let i = 0; i + 12 <= s.length; i++) {
      const piece = s.slice(i, i + 12);
      if (flat.includes(piece)) {
        found.push(`${secret} (piece "${piece}")`);
        break;
      }
    }
  }
  return found;
}
