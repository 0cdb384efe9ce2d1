import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, rmdirSync, unlinkSync } from "node:fs";
import { type OnReadOpts, Socket, type SocketConstructorOpts } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** How much of a child's output one read takes: a pipe holds 64 KiB. */
const READ_BYTES = 64 * 1024;

/**
 * Where one of the child's outputs (stdout or stderr) goes, and how the runner reads it.
 *
 * The fast way is a FIFO read into one reused buffer (Node's `onread`): a pipe from `spawn`
 * hands every read a fresh 64 KiB buffer, and on 200 MB of output those allocations, their page
 * faults and their garbage collection cost the runner more CPU than copying the bytes. A FIFO
 * is a pipe with a name: the child cannot tell the difference. Its name is unlinked as soon as
 * both ends are open. Where a FIFO cannot be made, a plain pipe from `spawn` does the same job.
 */
export interface OutputChannel {
  /** What to give `spawn` for this output. */
  readonly stdio: number | "pipe";
  /**
   * Starts reading: `onData` gets each chunk, which is only valid during the call (the buffer
   * is reused); returning false pauses reading until `resume`. `source` is the child's own
   * stream when `stdio` was "pipe".
   */
  start(source: Readable | null, onData: (chunk: Buffer) => boolean): void;
  /** Resumes reading after `onData` returned false. */
  resume(): void;
  /** Resolves once the output has ended (every writer closed it) or the channel was stopped. */
  readonly ended: Promise<void>;
  /** Closes the runner's copy of the write end: call once the child has it. */
  spawned(): void;
  /** Stops reading and releases everything (idempotent). */
  stop(): void;
}

/** A FIFO channel for each of `count` outputs, or plain pipes when FIFOs cannot be made. */
export function openOutputChannels(count: number, mkfifo = "mkfifo"): OutputChannel[] {
  return fifoChannels(count, mkfifo) ?? Array.from({ length: count }, pipeChannel);
}

/** FIFO channels, or undefined when they cannot be made here (no mkfifo, no temp dir). */
export function fifoChannels(count: number, mkfifo = "mkfifo"): OutputChannel[] | undefined {
  let dir: string | undefined;
  let names: string[] = [];
  const fds: number[] = [];
  try {
    dir = mkdtempSync(join(tmpdir(), "spark-run-"));
    names = Array.from({ length: count }, (_, i) => join(dir as string, String(i)));
    execFileSync(mkfifo, ["-m", "600", ...names], { stdio: "ignore" });
    const channels = names.map((name) => {
      // The read end first, non-blocking: opening the write end then does not wait for a reader.
      const read = openSync(name, constants.O_RDONLY | constants.O_NONBLOCK);
      fds.push(read);
      const write = openSync(name, constants.O_WRONLY);
      fds.push(write);
      return fifoChannel(read, write);
    });
    return channels;
  } catch {
    for (const fd of fds) closeQuietly(fd);
    return undefined;
  } finally {
    // The open ends keep the pipes; their names go at once (plain unlinks: rm -r is slow to load).
    for (const name of names) removeQuietly(() => unlinkSync(name));
    if (dir) removeQuietly(() => rmdirSync(dir as string));
  }
}

function fifoChannel(readFd: number, writeFd: number): OutputChannel {
  let write: number | undefined = writeFd;
  let socket: Socket | undefined;
  let done = () => {};
  const ended = new Promise<void>((resolve) => {
    done = resolve;
  });
  const closeWrite = () => {
    if (write !== undefined) closeQuietly(write);
    write = undefined;
  };
  return {
    stdio: writeFd,
    start(_source, onData) {
      const buffer = Buffer.allocUnsafe(READ_BYTES);
      // `onread` on the constructor is in Node (since 15.8), not yet in the 20.x typings.
      const options: SocketConstructorOpts & { onread: OnReadOpts } = {
        fd: readFd,
        readable: true,
        writable: false,
        onread: { buffer, callback: (n) => onData(buffer.subarray(0, n)) },
      };
      socket = new Socket(options);
      socket.once("end", () => done());
      socket.once("close", () => done());
      socket.once("error", () => done());
      socket.resume();
    },
    resume: () => socket?.resume(),
    ended,
    spawned: closeWrite,
    stop() {
      closeWrite();
      if (socket) socket.destroy();
      else closeQuietly(readFd);
      done();
    },
  };
}

function pipeChannel(): OutputChannel {
  let stream: Readable | null = null;
  let done = () => {};
  const ended = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    stdio: "pipe",
    start(source, onData) {
      stream = source;
      if (!source) return done();
      source.on("data", (chunk: Buffer) => {
        if (!onData(chunk)) source.pause();
      });
      source.once("end", () => done());
      source.once("close", () => done());
      source.once("error", () => done());
    },
    resume: () => stream?.resume(),
    ended,
    spawned: () => {},
    stop() {
      stream?.destroy();
      done();
    },
  };
}

function removeQuietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // Never made, or already gone.
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}
