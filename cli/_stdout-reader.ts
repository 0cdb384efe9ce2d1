import { fstatSync, readSync } from "node:fs";
import { Socket } from "node:net";
import { isErrno } from "../bus/secure-fs.js";

type Probe = "alive" | "closed" | "unknown";

/**
 * Calls `onGone` once the process reading our stdout has gone away, for commands that
 * may stay silent for a long time (`tail`): they would otherwise notice only at their next
 * write. Returns a function that stops watching.
 *
 * Only a socket can be checked from Node (Node and libuv spawn children with socket pairs):
 * a non-blocking read on it says EAGAIN while the reader lives and end-of-file once it closed.
 * A pipe (`| head`) has no such check without poll(2); there the next write fails with EPIPE,
 * which callers handle. Terminals and files need no check.
 */
export function watchStdoutReader(onGone: () => void, everyMs = 250): () => void {
  // libuv made stdout non-blocking when Node wrapped it in a Socket; a blocking read would hang us.
  if (!(process.stdout instanceof Socket) || process.stdout.isTTY || !stdoutIsSocket()) return () => {};
  const scratch = Buffer.alloc(256);
  // A reader that shut its sending side before we started (journald does) reads as closed
  // from the start although it still listens: then nothing can be told, so do not watch.
  if (probe(scratch) !== "alive") return () => {};
  const timer = setInterval(() => {
    const state = probe(scratch);
    if (state === "alive") return;
    clearInterval(timer);
    if (state === "closed") onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function stdoutIsSocket(): boolean {
  try {
    return fstatSync(1).isSocket();
  } catch {
    return false;
  }
}

function probe(scratch: Buffer): Probe {
  try {
    // Bytes the reader sends us are not for us: dropped.
    return readSync(1, scratch, 0, scratch.length, null) > 0 ? "alive" : "closed";
  } catch (error) {
    if (isErrno(error, "EAGAIN") || isErrno(error, "EWOULDBLOCK")) return "alive";
    if (isErrno(error, "ECONNRESET") || isErrno(error, "ENOTCONN")) return "closed";
    return "unknown";
  }
}
