import { writeSync } from "node:fs";

/** Copies the child's output to one of the runner's own outputs (stdout or stderr). */
export interface TerminalWriter {
  /**
   * Writes `chunk` now, or copies what is left of it and returns false: call no more until
   * `resume` runs (the output is full). A closed output (`manifest run … | head`) swallows
   * the rest: the command and its log go on.
   */
  write(chunk: Buffer, resume: () => void): boolean;
}

/**
 * Writes straight to the file descriptor, as `tee` does: no copy, no stream machinery, and the
 * chunk is free for reuse when this returns. An output left non-blocking (a pipe Node or a
 * parent made non-blocking) can refuse with EAGAIN: the rest then goes through `stream`, whose
 * callback resumes reading, so order and memory bounds hold.
 */
export function terminalWriter(fd: number, stream: NodeJS.WritableStream): TerminalWriter {
  let closed = false;
  stream.on("error", () => {
    closed = true;
  });
  return {
    write(chunk, resume) {
      if (closed) return true;
      let done = 0;
      try {
        while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") {
          closed = true;
          return true;
        }
      }
      stream.write(Buffer.from(chunk.subarray(done)), () => resume());
      return false;
    },
  };
}
