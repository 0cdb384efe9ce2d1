import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { waitFor } from "./processes.js";

/** A detached tmux session at a fixed size, on its own server socket (never the user's). */
export interface Tmux {
  /** `-L <socket>`: pass to every tmux call that must reach this server. */
  socket: string;
  session: string;
  /** Runs tmux with this server's socket. */
  tmux(...args: string[]): string;
  /** Types keys into a pane (tmux key names: "Enter", "Tab", "q", "C-c"…). */
  keys(target: string, ...keys: string[]): void;
  /** The visible text of a pane. */
  screen(target?: string): string;
  /** Waits until the pane's screen matches. */
  waitForScreen(pattern: RegExp, target?: string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

/** Whether tmux is installed (CI installs it; see .ci/run). */
export function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `command` (argv, no shell string) in a new detached session of `width`×`height`
 * on a private server socket, with `env` added to the session's environment.
 */
export function startTmux(
  command: string[],
  options: { cwd: string; width?: number; height?: number; env?: Record<string, string> },
): Tmux {
  const socket = `spark-test-${randomBytes(4).toString("hex")}`;
  const session = "t";
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  const envArgs = Object.entries(options.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(options.width ?? 80),
    "-y",
    String(options.height ?? 24),
    "-c",
    options.cwd,
    ...envArgs,
    ...command,
  );
  // Keep the pane (and what it printed) when the command exits, so a test can read why.
  tmux("set-option", "-t", session, "remain-on-exit", "on");
  const screen = (target = session) => tmux("capture-pane", "-p", "-t", target);
  return {
    socket,
    session,
    tmux,
    keys: (target, ...keys) => {
      tmux("send-keys", "-t", target, ...keys);
    },
    screen,
    waitForScreen: (pattern, target = session, timeoutMs = 15_000) =>
      waitFor(
        () => {
          const text = screen(target);
          return pattern.test(text) ? text : undefined;
        },
        `the screen to match ${pattern}`,
        timeoutMs,
        50,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- screen:\n${screen(target)}`);
      }),
    kill: () => {
      try {
        tmux("kill-server");
      } catch {
        // Already gone.
      }
    },
  };
}
