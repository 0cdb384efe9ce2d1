import { execFileSync, spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fifoChannels, type OutputChannel, openOutputChannels } from "../cli/run/output-channel.js";
import { terminalWriter } from "../cli/run/terminal-writer.js";
import { finished } from "./helpers/processes.js";

/** Runs `node -e <script>` with its stdout on `channel`; resolves with every byte read. */
async function readAll(channel: OutputChannel, script: string, pauseEvery = 0): Promise<Buffer> {
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", channel.stdio, "inherit"] });
  channel.spawned();
  const parts: Buffer[] = [];
  let reads = 0;
  channel.start(child.stdout, (chunk) => {
    parts.push(Buffer.from(chunk)); // the chunk's buffer is reused: keep a copy
    if (pauseEvery > 0 && ++reads % pauseEvery === 0) {
      setTimeout(() => channel.resume(), 2);
      return false;
    }
    return true;
  });
  await Promise.all([channel.ended, finished(child)]);
  return Buffer.concat(parts);
}

// 3 MiB of numbered lines: any lost, doubled or reordered chunk shows.
const PRINT = `let s = ""; for (let i = 0; i < 300000; i++) s += String(i).padStart(9, "0") + "\\n"; process.stdout.write(s);`;
const expected = () =>
  Buffer.from(Array.from({ length: 300000 }, (_, i) => `${String(i).padStart(9, "0")}\n`).join(""));

describe("output channels (how manifest run reads its command's output)", () => {
  it("leaves no FIFO name behind: only the open ends keep the pipe", () => {
    const dir = mkdtempSync(join(tmpdir(), "spark-fifo-home-"));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      const channels = fifoChannels(2);
      expect(channels).toHaveLength(2);
      expect(readdirSync(dir)).toEqual([]);
      for (const c of channels ?? []) c.stop();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it("reads a child's whole output through a FIFO, byte for byte, and ends", async () => {
    const [channel] = fifoChannels(1) ?? [];
    expect(typeof channel?.stdio).toBe("number");
    expect((await readAll(channel as OutputChannel, PRINT)).equals(expected())).toBe(true);
  });

  it("keeps order and loses nothing when reading pauses and resumes", async () => {
    const [channel] = fifoChannels(1) ?? [];
    expect((await readAll(channel as OutputChannel, PRINT, 3)).equals(expected())).toBe(true);
  });

  it("falls back to spawn's pipes when no FIFO can be made, and reads the same", async () => {
    const channels = openOutputChannels(2, join(tmpdir(), "no-such-mkfifo"));
    expect(channels.map((c) => c.stdio)).toEqual(["pipe", "pipe"]);
    expect((await readAll(channels[0] as OutputChannel, PRINT, 3)).equals(expected())).toBe(true);
  });
});

describe("terminalWriter (the runner's copy to its own stdout and stderr)", () => {
  /** A FIFO whose write end is non-blocking, as a pipe Node made non-blocking is. */
  function nonBlockingPipe() {
    const dir = mkdtempSync(join(tmpdir(), "spark-tw-"));
    execFileSync("mkfifo", ["-m", "600", join(dir, "p")]);
    const read = openSync(join(dir, "p"), constants.O_RDONLY | constants.O_NONBLOCK);
    const write = openSync(join(dir, "p"), constants.O_WRONLY | constants.O_NONBLOCK);
    return { read, write };
  }

  it("writes what a full output refuses later, through the stream, then resumes: every byte in order", async () => {
    const { read, write } = nonBlockingPipe();
    const stream = new Socket({ fd: write, readable: false, writable: true });
    const writer = terminalWriter(write, stream);
    const data = Buffer.alloc(1024 * 1024, "abcdefgh");
    let resumed = false;
    expect(
      writer.write(data, () => {
        resumed = true;
      }),
    ).toBe(false);
    const got: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    while (Buffer.concat(got).length < data.length) {
      try {
        const n = readSync(read, buf, 0, buf.length, null);
        got.push(Buffer.from(buf.subarray(0, n)));
      } catch {
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(resumed).toBe(true);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    stream.destroy();
    closeSync(read);
  });

  it("swallows output once the reader is gone (`manifest run … | head`), without throwing", () => {
    const { read, write } = nonBlockingPipe();
    closeSync(read);
    const stream = new Socket({ fd: write, readable: false, writable: true });
    stream.on("error", () => {});
    const writer = terminalWriter(write, stream);
    expect(writer.write(Buffer.from("lost\n"), () => {})).toBe(true);
    expect(writer.write(Buffer.from("lost too\n"), () => {})).toBe(true);
    stream.destroy();
  });
});
