import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { hostPath, SPRITE_HOME } from "./sprite-paths.js";

/** What the fake needs of a Sprite to run something in it. */
export interface SpriteRuntime {
  name: string;
  /** The folder that stands in for the Sprite's `/`. */
  root: string;
  /** `environment` given at creation (merged into every command's env). */
  environment: Record<string, string>;
  /** The base image's settings (the same for every Sprite of a fake). */
  baseEnv: Record<string, string>;
  /** Where the Sprite's management socket is on the host, once it listens. */
  apiSocket: string | undefined;
  /** Every process running in the Sprite (commands and services), for status and deletion. */
  processes: Set<ChildProcess>;
}

export interface RunSpec {
  argv: string[];
  /** The working directory inside the Sprite (default the home). */
  dir?: string | null;
  env?: Record<string, string>;
}

/**
 * Starts a process "in" the Sprite: really on the host, in its own process group (so a
 * signal reaches the whole tree, as killing a VM's session does), with the Sprite's home as
 * HOME and the working directory mapped into the Sprite's folder. There is no isolation:
 * an absolute path inside an argument still means the host's.
 */
export function startInSprite(sprite: SpriteRuntime, spec: RunSpec): ChildProcess {
  const home = hostPath(sprite.root, SPRITE_HOME) as string;
  const cwd = (spec.dir ? hostPath(sprite.root, spec.dir) : home) ?? home;
  mkdirSync(cwd, { recursive: true });
  const [file, ...args] = spec.argv;
  const child = spawn(file ?? "bash", args, {
    cwd,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LANG: process.env.LANG ?? "C.UTF-8",
      HOME: home,
      USER: "sprite",
      SPRITE_NAME: sprite.name,
      ...sprite.baseEnv,
      ...(sprite.apiSocket ? { SPARK_SPRITE_API_SOCKET: sprite.apiSocket } : {}),
      ...sprite.environment,
      ...spec.env,
    },
  });
  sprite.processes.add(child);
  child.on("close", () => sprite.processes.delete(child));
  // A command that cannot start still ends the exec, with the shell's 127.
  child.on("error", () => {});
  child.stdin?.on("error", () => {});
  return child;
}

/** Sends `signal` to the process's whole group; false when it has already gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals | number = "SIGTERM"): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills every process still running "in" the Sprite, as its VM going away does. A process
 * started in a group of its own (`manifest run` puts its command in one) is out of reach of
 * `signalGroup` on the service, so they are found by the HOME every one of them inherits:
 * the Sprite's folder is a fresh temp dir, so that HOME is this Sprite's alone. Linux (/proc).
 */
export function killEverythingIn(sprite: SpriteRuntime): void {
  const home = `HOME=${hostPath(sprite.root, SPRITE_HOME)}`;
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return; // no /proc here: the groups signalled already are all the fake can reach
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(home))
        process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

/** The exit code a Sprite reports: the code, 128+N for a signal, 127 when it never started. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null && code >= 0) return code;
  if (signal) return 128 + (constants.signals[signal] ?? 0);
  return 127;
}

/** A signal name from the wire (`SIGTERM`, `TERM`, `KILL`), or undefined when unknown. */
export function parseSignal(name: unknown): NodeJS.Signals | undefined {
  if (typeof name !== "string") return undefined;
  const full = (name.startsWith("SIG") ? name : `SIG${name}`).toUpperCase();
  return full in constants.signals ? (full as NodeJS.Signals) : undefined;
}
