/**
 * Pi 1.x loads a project's `.pi/settings.json` (where `spark init` lists the extension and the
 * skills) only once the project is trusted; print and RPC modes skip it silently otherwise. The
 * decision lives in a plain JSON file (`<agent dir>/trust.json`, path → true/false), so `init`
 * and `doctor` can say whether Spark will load, and how to trust the project once.
 */
import { readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PI_PACKAGES } from "../sidecar/pi-package.js";

/** Pi 1.x's decision for a project, as a run without a prompt would take it. */
export type PiTrust =
  | { state: "trusted"; why: string }
  | { state: "declined"; store: string }
  | { state: "undecided"; store: string };

/** Pi's agent folder: `PI_CODING_AGENT_DIR`, else `~/.pi/agent`. */
export function piAgentDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PI_CODING_AGENT_DIR || join(homedir(), ".pi", "agent");
}

/**
 * The saved decision nearest to `root` (the folder itself, then its parents) in trust.json;
 * without one, the agent folder's `defaultProjectTrust` ("always" trusts). Anything unreadable
 * counts as undecided: Pi would ask.
 */
export function readPiTrust(root: string, agentDir = piAgentDir()): PiTrust {
  const store = join(agentDir, "trust.json");
  const saved = readJsonObject(store);
  for (let dir = canonical(root); ; dir = dirname(dir)) {
    const decision = saved?.[dir];
    if (decision === true) return { state: "trusted", why: `trusted in ${store}` };
    if (decision === false) return { state: "declined", store };
    if (dirname(dir) === dir) break;
  }
  if (readJsonObject(join(agentDir, "settings.json"))?.defaultProjectTrust === "always") {
    return { state: "trusted", why: `defaultProjectTrust is "always" in ${join(agentDir, "settings.json")}` };
  }
  return { state: "undecided", store };
}

/** The Pi package a `pi` command belongs to (its name and version), from the files beside it. */
export function piPackageOf(bin: string): { name: string; version: string } | undefined {
  let dir: string;
  try {
    dir = dirname(realpathSync(bin));
  } catch {
    return undefined;
  }
  for (let depth = 0; depth < 6; depth++, dir = dirname(dir)) {
    const manifest = readJsonObject(join(dir, "package.json"));
    if (manifest && (PI_PACKAGES as readonly unknown[]).includes(manifest.name)) {
      return { name: String(manifest.name), version: String(manifest.version ?? "") };
    }
  }
  return undefined;
}

/** Whether a Pi version needs project trust (1.x and later). */
export function needsTrust(version: string | undefined): boolean {
  return Number.parseInt(version?.replace(/^v/, "") ?? "", 10) >= 1;
}

/** What to tell a person about trust, or undefined when Spark will load. Pure. */
export function trustAdvice(
  trust: PiTrust,
  piVersion: string,
): { level: "warn" | "fail"; message: string; next: string } | undefined {
  const how =
    "Start `pi` in the project once and choose Trust (or type /trust there); a script can pass `pi --approve` instead.";
  if (trust.state === "trusted") return undefined;
  if (trust.state === "declined") {
    return {
      level: "fail",
      message: `Pi ${piVersion} does not load .pi/settings.json, and so not Spark, here: this project is marked not trusted in ${trust.store}`,
      next: how,
    };
  }
  return {
    level: "warn",
    message: `Pi ${piVersion} loads .pi/settings.json, and with it Spark, only in a trusted project: this one is not trusted yet`,
    next: how,
  };
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function readJsonObject(path: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
