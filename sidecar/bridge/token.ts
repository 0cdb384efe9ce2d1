import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { BusPaths } from "../../bus/paths.js";
import { ensurePrivateDir, readRegularFile, writeFileAtomic } from "../../bus/secure-fs.js";
import { WebTokenError } from "./errors.js";

/** The bridge's token and where it came from. */
export interface WebToken {
  token: string;
  source: "env" | "file" | "generated";
  /** `.spark/web-token`, when the token lives there. */
  file?: string;
}

/** Shorter tokens are refused: the bridge drives an agent that edits code and runs commands. */
export const MIN_TOKEN_LENGTH = 16;

/** Whether `host` is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** `.spark/web-token`. */
export function webTokenFile(paths: Pick<BusPaths, "spark">): string {
  return join(paths.spark, "web-token");
}

/**
 * `SPARK_WEB_TOKEN` when set (it must be long enough). Without it, a bridge that listens
 * beyond this machine refuses to start; on loopback the token in `.spark/web-token` is used,
 * or one is generated there (0600) the first time.
 */
export function resolveWebToken(env: NodeJS.ProcessEnv, host: string, paths: Pick<BusPaths, "spark">): WebToken {
  const fromEnv = env.SPARK_WEB_TOKEN?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_TOKEN_LENGTH || /\s/.test(fromEnv)) {
      throw new WebTokenError(
        `SPARK_WEB_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters with no spaces: whoever has it drives the agent.`,
        "Make one with `openssl rand -hex 32`.",
      );
    }
    return { token: fromEnv, source: "env" };
  }
  if (!isLoopback(host)) {
    throw new WebTokenError(
      `--host ${host} listens beyond this machine, and SPARK_WEB_TOKEN is not set: anyone who reaches the port could drive the agent.`,
      "Set SPARK_WEB_TOKEN (e.g. `export SPARK_WEB_TOKEN=$(openssl rand -hex 32)`), or keep the default --host 127.0.0.1.",
    );
  }
  const file = webTokenFile(paths);
  const read = readRegularFile(file, 4096);
  if (read.ok) {
    const saved = read.bytes.toString("utf8").trim();
    if (saved.length >= MIN_TOKEN_LENGTH && !/\s/.test(saved)) return { token: saved, source: "file", file };
  }
  const token = randomBytes(32).toString("base64url");
  ensurePrivateDir(paths.spark);
  writeFileAtomic(file, `${token}\n`);
  return { token, source: "generated", file };
}
