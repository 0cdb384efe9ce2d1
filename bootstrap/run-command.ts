import type { Sprite, SpriteCommand } from "@fly/sprites";
import { stripHeartbeat } from "./command-script.js";
import { SpriteError } from "./sprite-error.js";
import type { RunOptions, RunResult } from "./sprites-api.js";

const DEFAULT_MAX_BUFFER = 10 * 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 5000;

/**
 * Runs `bash <args>` once over the SDK's exec WebSocket. Absorbs what SDK 0.1.0 leaves to
 * the caller: a timeout with a kill, interruption (SIGINT, then SIGKILL), the socket closed
 * however the command ends (0.1.0 leaks it on every end but a clean exit frame), and output
 * settled only once both streams have ended. Resolves with exit code -1 when the socket
 * closed before the exit frame; rejects with the SDK's error otherwise.
 */
export function runOnce(sprite: Sprite, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  return new Promise<RunResult>((resolve, reject) => {
    const cmd = sprite.spawn("bash", args, options.cwd ? { cwd: options.cwd } : {});
    const stdout = collector(options.onStdout, maxBuffer);
    const stderr = collector(options.onStderr, maxBuffer);
    let exitCode: number | undefined;
    let ended = 0;
    let settled = false;
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      closeSocket(cmd);
      done();
    };
    const maybeDone = () => {
      if (exitCode === undefined || ended < 2) return;
      const code = exitCode;
      settle(() =>
        resolve({
          exitCode: code,
          stdout: stdout.result(),
          stderr: stderr.result(),
          truncated: stdout.truncated() || stderr.truncated(),
          interrupted,
        }),
      );
    };

    cmd.stdout.on("data", (chunk: Buffer) => stdout.add(chunk));
    cmd.stderr.on("data", (chunk: Buffer) => stderr.add(stripHeartbeat(chunk)));
    for (const stream of [cmd.stdout, cmd.stderr])
      stream.on("end", () => {
        ended++;
        maybeDone();
      });
    cmd.on("exit", (code: number) => {
      exitCode = code;
      maybeDone();
    });
    let started = false;
    cmd.on("spawn", () => {
      started = true;
    });
    // An error before the socket opened means the command never ran: safe to try again.
    cmd.on("error", (error: unknown) =>
      settle(() => reject(started ? error : Object.assign(asError(error), { beforeStart: true }))),
    );

    const timeoutTimer = options.timeoutMs
      ? setTimeout(() => {
          cmd.kill("SIGKILL");
          const seconds = Math.round((options.timeoutMs as number) / 1000);
          settle(() =>
            reject(
              new SpriteError(
                `The command in Sprite "${sprite.name}" did not finish within ${seconds} s and was killed.`,
                "timeout",
                "Give it longer, or make it print progress and finish sooner.",
              ),
            ),
          );
        }, options.timeoutMs)
      : undefined;

    function onAbort() {
      interrupted = true;
      cmd.kill("SIGINT");
      killTimer = setTimeout(() => {
        cmd.kill("SIGKILL");
        // A Sprite that does not answer at all: give up on it; the server ends the command
        // when the socket has been gone for its max_run_after_disconnect.
        killTimer = setTimeout(() => {
          exitCode ??= 130;
          ended = 2;
          maybeDone();
        }, 2000);
      }, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Closes the command's WebSocket (the SDK keeps it private and closes it only on a clean exit). */
function closeSocket(cmd: SpriteCommand): void {
  try {
    (cmd as unknown as { wsCmd?: { close(): void } }).wsCmd?.close();
  } catch {
    // Already closed or never opened: nothing to release.
  }
}

/** Streams chunks to `onChunk`, or collects them up to `max` bytes. */
function collector(onChunk: ((chunk: Buffer) => void) | undefined, max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  return {
    add(chunk: Buffer) {
      if (chunk.length === 0) return;
      if (onChunk) return onChunk(chunk);
      if (size >= max) {
        cut = true;
        return;
      }
      const room = max - size;
      if (chunk.length > room) cut = true;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
    },
    result: () => Buffer.concat(chunks),
    truncated: () => cut,
  };
}
