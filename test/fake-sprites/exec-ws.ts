import type { WebSocket } from "ws";
import type { ExecFault } from "./faults.js";
import { exitCodeOf, parseSignal, type SpriteRuntime, signalGroup, startInSprite } from "./processes.js";
import { durationMs } from "./sprite-paths.js";

/** Stream ids of the non-TTY exec framing (byte 0 of each binary message). */
export const STREAM = { stdin: 0, stdout: 1, stderr: 2, exit: 3, stdinEof: 4 } as const;

/** What `/v1/sprites/{name}/exec` was asked to run, from its query string. */
export interface ExecRequest {
  argv: string[];
  dir: string | null;
  env: Record<string, string>;
  stdin: boolean;
  /** How long the command may outlive its socket (the real default is 10 s without a TTY). */
  maxRunAfterDisconnectMs: number;
}

/** Parses the exec query (`cmd` repeated, `path`, `env=K=V` repeated, `dir`, `stdin`). */
export function parseExecQuery(query: URLSearchParams): ExecRequest {
  const cmd = query.getAll("cmd");
  const path = query.get("path");
  const argv = cmd.length > 0 ? [path ?? (cmd[0] as string), ...cmd.slice(1)] : [path ?? "bash"];
  const env: Record<string, string> = {};
  for (const pair of query.getAll("env")) {
    const eq = pair.indexOf("=");
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    argv,
    dir: query.get("dir"),
    env,
    stdin: query.get("stdin") === "true",
    maxRunAfterDisconnectMs: durationMs(query.get("max_run_after_disconnect"), 10_000),
  };
}

const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

/**
 * Runs one exec over an open WebSocket: output as `[1|2][bytes]` frames (with backpressure,
 * so 50 MB of stdout does not pile up in memory), stdin from `[0]` frames until `[4]`,
 * `{"type":"signal"}` text frames to the process group, then `[3][code]`. Like the real
 * server it holds the socket open after the exit frame (the client is expected to close),
 * and lets a command outlive a dropped socket for `max_run_after_disconnect`.
 */
export function runExecSocket(
  ws: WebSocket,
  sprite: SpriteRuntime,
  request: ExecRequest,
  fault: ExecFault | undefined,
  options: { postExitHoldMs: number },
): void {
  if (fault?.kind === "fail") {
    if (fault.stderr) ws.send(Buffer.concat([Buffer.from([STREAM.stderr]), Buffer.from(fault.stderr)]));
    ws.send(Buffer.from([STREAM.exit, (fault.exitCode ?? 1) & 0xff]));
    setTimeout(() => ws.close(1000), options.postExitHoldMs).unref();
    return;
  }
  const child = startInSprite(sprite, { argv: request.argv, dir: request.dir, env: request.env });
  if (!request.stdin) child.stdin?.end();
  const held: Buffer[] = [];
  let silent = fault?.kind === "silence";
  let closeHeld = false;
  if (silent) {
    setTimeout(() => {
      silent = false;
      for (const frame of held.splice(0)) send(frame);
      if (closeHeld) closeAfterExit();
    }, fault?.silenceMs ?? 50_000).unref();
  }
  // The real server closes a while after the exit frame; a held-back exit frame holds that too.
  const closeAfterExit = () => {
    if (silent) closeHeld = true;
    else setTimeout(() => ws.close(1000), options.postExitHoldMs).unref();
  };
  const dropOutput = fault?.kind === "close-without-exit";

  function send(frame: Buffer): void {
    if (ws.readyState !== ws.OPEN) return;
    if (silent) {
      held.push(frame);
      return;
    }
    ws.send(frame, () => {
      if (ws.bufferedAmount < LOW_WATER) {
        child.stdout?.resume();
        child.stderr?.resume();
      }
    });
    if (ws.bufferedAmount > HIGH_WATER) {
      child.stdout?.pause();
      child.stderr?.pause();
    }
  }
  const forward = (id: number) => (chunk: Buffer) => {
    if (!dropOutput) send(Buffer.concat([Buffer.from([id]), chunk]));
  };
  child.stdout?.on("data", forward(STREAM.stdout));
  child.stderr?.on("data", forward(STREAM.stderr));

  child.on("close", (code, signal) => {
    if (dropOutput) {
      ws.close(1000);
      return;
    }
    send(Buffer.from([STREAM.exit, exitCodeOf(code, signal) & 0xff]));
    closeAfterExit();
  });

  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      const message = safeJson(data.toString());
      const signal = parseSignal(message?.signal);
      if (message?.type === "signal" && signal) signalGroup(child, signal);
      return;
    }
    if (data[0] === STREAM.stdin) child.stdin?.write(data.subarray(1));
    else if (data[0] === STREAM.stdinEof) child.stdin?.end();
  });

  ws.on("close", () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    setTimeout(() => signalGroup(child, "SIGKILL"), request.maxRunAfterDisconnectMs).unref();
  });
}

function safeJson(text: string): { type?: unknown; signal?: unknown } | undefined {
  try {
    return JSON.parse(text) as { type?: unknown; signal?: unknown };
  } catch {
    return undefined;
  }
}
