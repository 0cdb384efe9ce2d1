import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CliError } from "../_errors.js";

const exec = promisify(execFile);

/** The oldest tmux `up` works with: `new-session -e` (3.2) and `split-window -l N%` (3.1). */
export const MIN_TMUX = { major: 3, minor: 2 } as const;

/** The tmux server `manifest up` and `down` talk to, and how to run tmux commands on it. */
export interface Tmux {
  /** `-L name` or `-S path` from `SPARK_TMUX_SOCKET`; empty for the user's default server. */
  readonly socketArgs: readonly string[];
  /** Runs one tmux command (argv, never a shell string) and returns its stdout. */
  run(...args: string[]): Promise<string>;
}

/** A tmux command that failed: its arguments and what tmux said (a problem to report, not a bug). */
export class TmuxCommandError extends CliError {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(
      `tmux ${args[0] ?? ""} failed: ${stderr.trim() || "no message"}`,
      "E_TMUX",
      "Check that tmux itself works here (`tmux -V`, `tmux ls`), then run it again.",
    );
  }
}

/**
 * Which tmux server to use: `SPARK_TMUX_SOCKET` (for tests and advanced use) names a private
 * server (`-L name`), or gives its socket's path when it holds a slash (`-S path`). Unset,
 * tmux picks the user's default server (the one in `$TMUX` inside tmux).
 */
export function socketArgs(value: string | undefined): string[] {
  if (!value) return [];
  return value.includes("/") ? ["-S", value] : ["-L", value];
}

/** `tmux 3.3a` → 3.3; undefined for builds that do not say (`tmux master`), which are let through. */
export function parseTmuxVersion(text: string): { major: number; minor: number } | undefined {
  const match = /(\d+)\.(\d+)/.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** Whether a `tmux -V` answer is older than `MIN_TMUX`. */
export function tmuxTooOld(versionText: string): boolean {
  const v = parseTmuxVersion(versionText);
  if (!v) return false;
  return v.major < MIN_TMUX.major || (v.major === MIN_TMUX.major && v.minor < MIN_TMUX.minor);
}

/** The error for a machine without tmux, with the install command. */
export function tmuxMissingError(): CliError {
  return new CliError(
    "tmux is not installed: `manifest up` runs Pi, the sidecar and the app in a tmux session.",
    "E_NO_TMUX",
    "Install it (Debian/Ubuntu: sudo apt-get install tmux; macOS: brew install tmux), then run it again.",
  );
}

/** A client for the server `env.SPARK_TMUX_SOCKET` names (the default server when unset). */
export function tmuxClient(env: NodeJS.ProcessEnv = process.env): Tmux {
  const socket = socketArgs(env.SPARK_TMUX_SOCKET);
  return {
    socketArgs: socket,
    async run(...args) {
      try {
        const { stdout } = await exec("tmux", [...socket, ...args], { encoding: "utf8", env });
        return stdout;
      } catch (error) {
        const e = error as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === "ENOENT") throw tmuxMissingError();
        throw new TmuxCommandError(args, e.stderr ?? e.message);
      }
    },
  };
}

/** The tmux client, once tmux is known to be installed and new enough (else a CliError). */
export async function requireTmux(env: NodeJS.ProcessEnv = process.env): Promise<Tmux> {
  const tmux = tmuxClient(env);
  // `-V` needs no server, so it cannot start one by accident.
  const version = (await tmux.run("-V")).trim();
  if (tmuxTooOld(version)) {
    throw new CliError(
      `${version} is too old: \`manifest up\` needs tmux ${MIN_TMUX.major}.${MIN_TMUX.minor} or newer.`,
      "E_TMUX_OLD",
      "Upgrade tmux (Debian/Ubuntu: sudo apt-get install tmux; macOS: brew upgrade tmux).",
    );
  }
  return tmux;
}

/** Whether `error` only says that no server runs on the socket (so there are no sessions). */
export function isNoServer(error: unknown): boolean {
  return (
    error instanceof TmuxCommandError &&
    /no server running|error connecting to|no such file or directory|server exited/i.test(error.stderr)
  );
}
