import { spawn } from "node:child_process";
import { formatCommand } from "../run/argv.js";
import type { Tmux } from "./tmux.js";

/** How `up` shows the session: attach this terminal, switch the tmux client it runs in, or not at all. */
export type AttachMode = "attach" | "switch" | "none";

/** What the choice depends on. */
export interface AttachFacts {
  detach: boolean;
  json: boolean;
  stdinTTY: boolean;
  stdoutTTY: boolean;
  /** `$TMUX` (`socket,pid,session`) when `up` runs inside tmux. */
  tmuxEnv: string | undefined;
  /** Whether SPARK_TMUX_SOCKET chose the server (else it is `$TMUX`'s own, inside tmux). */
  socketChosen: boolean;
  /** The socket of the server holding the session. */
  serverSocket: string;
}

/**
 * Whether and how to show the session. Never with `--detach`, with `--json` (a document is for
 * a program, and attaching would take the screen over) or without a terminal (tests, CI,
 * scripts). Inside tmux the client switches to it (never tmux inside tmux), when the client is
 * on the same server; outside, this terminal attaches.
 */
export function attachMode(f: AttachFacts): { mode: AttachMode; why?: string } {
  if (f.detach) return { mode: "none", why: "--detach" };
  if (f.json) return { mode: "none", why: "--json" };
  if (!f.stdinTTY || !f.stdoutTTY) return { mode: "none", why: "no terminal" };
  if (!f.tmuxEnv) return { mode: "attach" };
  const clientSocket = f.tmuxEnv.split(",")[0];
  if (f.socketChosen && clientSocket !== f.serverSocket) {
    return { mode: "none", why: "this terminal is in another tmux server" };
  }
  return { mode: "switch" };
}

/** The command a person types to attach (with the socket when one was chosen). */
export function attachHint(socketArgs: readonly string[], name: string): string {
  return formatCommand(["tmux", ...socketArgs, "attach", "-t", name]);
}

/**
 * Attaches this terminal to the session and resolves with tmux's exit code once the person
 * detaches. tmux gets the terminal (stdio inherited); Node cannot exec, so it waits.
 */
export function attachTerminal(tmux: Tmux, sessionId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("tmux", [...tmux.socketArgs, "attach-session", "-t", sessionId], { stdio: "inherit" });
    child.once("error", reject);
    child.once("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Switches the tmux client `up` runs in to the session. */
export async function switchClient(tmux: Tmux, sessionId: string): Promise<void> {
  await tmux.run("switch-client", "-t", sessionId);
}
