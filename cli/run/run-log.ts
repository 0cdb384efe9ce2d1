import { closeSync, writeSync } from "node:fs";
import { LIMITS } from "../../bus/limits.js";
import { LogRedactor } from "./log-redactor.js";
import { TailBuffer } from "./tail-buffer.js";

/** One of the child's outputs going into the log: whole chunks in, in order. */
export interface LogOutput {
  /** Redacts and writes `chunk` before returning (the caller may reuse its buffer). */
  push(chunk: Buffer): void;
  /** Writes what was held back (a last line without its newline). Idempotent. */
  end(): void;
}

/**
 * The log file of one run: the child's stdout and stderr, each redacted line by line, into
 * one file, and the last lines of it for the event. Every chunk is in the file when `push`
 * returns, so nothing queues: the runner reads the child's next output only after that, and
 * memory stays bounded however much it prints. The file writes are synchronous, as `tee`'s
 * are: measured on 200 MB, a write stream's hand-offs to the thread pool cost more than the
 * writes. A log that cannot be written (disk full) stops logging, never the command.
 */
export class RunLog {
  /** The last lines written, already redacted. */
  readonly tail = new TailBuffer(LIMITS.tailLines, 2 * LIMITS.tailBytes);
  /** When output last came through (to notice pipes held open after the child died). */
  lastActivity = Date.now();
  private fd: number | undefined;
  private failure: Error | undefined;

  /** Writes to the open `fd`; with `unavailable` instead, keeps only the tail. */
  constructor(target: { fd: number } | { unavailable: Error }) {
    if ("unavailable" in target) this.failure = target.unavailable;
    else this.fd = target.fd;
  }

  /** Why the log is incomplete (or missing), if it is. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Where one of the child's outputs goes; each has its own redactor (lines do not mix). */
  output(): LogOutput {
    const redactor = new LogRedactor();
    let ended = false;
    return {
      push: (chunk) => {
        this.lastActivity = Date.now();
        this.write(redactor.push(chunk));
      },
      end: () => {
        if (ended) return;
        ended = true;
        this.write(redactor.end());
      },
    };
  }

  /** Closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (error) {
      this.failure ??= error as Error;
    }
    this.fd = undefined;
  }

  private write(parts: Buffer[]): void {
    for (const part of parts) {
      if (part.length === 0) continue;
      this.tail.pushBytes(part);
      if (this.fd !== undefined && !this.failure) this.writeAll(this.fd, part);
    }
  }

  private writeAll(fd: number, bytes: Buffer): void {
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.failure = error as Error;
    }
  }
}
