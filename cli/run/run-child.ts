import { type ChildProcess, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { isatty } from "node:tty";
import type { BusPaths } from "../../bus/paths.js";
import { unlinkIfExists } from "../../bus/secure-fs.js";
import { type OpenedLog, openLog, pruneLogs } from "./log-files.js";
import type { ChildExit } from "./outcome.js";
import { type OutputChannel, openOutputChannels } from "./output-channel.js";
import { type LogOutput, RunLog } from "./run-log.js";
import type { SignalRelay } from "./signals.js";
import { type TerminalWriter, terminalWriter } from "./terminal-writer.js";

/** Output still coming this long after the child exited is from its orphans: stop waiting. */
/** The longest the runner waits for output after its command exited (orphans may never stop). */
const ORPHAN_MAX_MS = 5000;
const ORPHAN_IDLE_MS = 1000;

/** What to run, resolved (no shell). */
export interface SpawnTarget {
  file: string;
  args: readonly string[];
  /** argv[0] as the child sees it: the name the user typed. */
  argv0: string;
}

export interface RunChildOptions {
  paths: BusPaths;
  logName: string;
  keepLogs: number;
  /** `--json`: the child's stdout goes to our stderr, so our stdout holds only the document. */
  json: boolean;
  relay: SignalRelay;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** One finished run. */
export interface ChildRun {
  startedAt: Date;
  durationMs: number;
  /** How it ended; undefined when it never started. */
  exit: ChildExit | undefined;
  /** Why it did not start (ENOENT, EACCES…). */
  spawnError: NodeJS.ErrnoException | undefined;
  /** Signals the runner passed on to it. */
  forwarded: readonly string[];
  /** The log, relative to the project root (undefined when it never started). */
  logFile: string | undefined;
  /** The last lines of output, redacted. */
  tail: string;
  /** Set when the log could not be opened or written completely. */
  logError: Error | undefined;
}

/**
 * Runs the command once: its output is shown live and written, redacted, to a new log; Ctrl+C,
 * SIGTERM and SIGHUP are passed on to it. Resolves when it has exited and its output is on disk.
 */
export async function runChild(target: SpawnTarget, options: RunChildOptions): Promise<ChildRun> {
  const startedAt = new Date();
  // A bus folder that cannot be written must not keep the command from running.
  let opened: OpenedLog | undefined;
  let unavailable: Error | undefined;
  try {
    opened = openLog(options.paths, options.logName, startedAt);
  } catch (error) {
    unavailable = error as Error;
  }
  const log = new RunLog(opened ? { fd: opened.fd } : { unavailable: unavailable ?? new Error("no log") });
  if (opened) pruneLogs(options.paths, options.logName, options.keepLogs);
  // `--json`: the child's stdout goes to our stderr, so our stdout holds only the document.
  const terminal = {
    out: options.json ? terminalWriter(2, process.stderr) : terminalWriter(1, process.stdout),
    err: terminalWriter(2, process.stderr),
  };
  const channels = openOutputChannels(2);
  // Without a terminal on stdin nothing delivers Ctrl+C to the whole job, so the child leads its
  // own process group and gets each signal, with the processes it starts (npm → sh → node), from
  // us. With one, it must stay in the terminal's foreground group to read from it, and Ctrl+C
  // reaches it from the terminal directly: sending it again would make one Ctrl+C two (and a
  // second Ctrl+C means "force quit" to many dev servers). SIGTERM and SIGHUP are always sent.
  // (isatty, not process.stdin: that would open a handle on the stdin the child inherits.)
  const ownGroup = !isatty(0);
  const child = spawn(target.file, [...target.args], {
    argv0: target.argv0,
    cwd: options.cwd,
    env: childEnv(options.env, options.json ? process.stderr : process.stdout),
    stdio: ["inherit", ...channels.map((c) => c.stdio)],
    detached: ownGroup,
    shell: false,
  });
  for (const channel of channels) channel.spawned();
  const forwarded =
    child.pid === undefined ? [] : options.relay.attach(child.pid, ownGroup, ownGroup ? [] : ["SIGINT"]);
  const [out, err] = channels as [OutputChannel, OutputChannel];
  const outputs = [
    tee(out, child.stdout, terminal.out, log.output()),
    tee(err, child.stderr, terminal.err, log.output()),
  ];
  const ended = await exitOf(child);
  options.relay.detach();
  if (ended.exit) await outputsDone(channels, log);
  for (const output of outputs) output.stop();
  log.close();
  // A command that never started wrote nothing: its empty log would only mislead.
  if (ended.error && opened) unlinkIfExists(opened.path);
  return {
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    exit: ended.exit,
    spawnError: ended.error,
    forwarded: [...forwarded],
    logFile: ended.error ? undefined : opened?.shown,
    tail: log.tail.toString(),
    logError: log.error,
  };
}

/** The child's environment: colours kept when we print to a terminal (the pipe would hide it). */
function childEnv(env: NodeJS.ProcessEnv, terminal: NodeJS.WriteStream): NodeJS.ProcessEnv {
  if (!terminal.isTTY || env.FORCE_COLOR !== undefined || env.NO_COLOR !== undefined) return env;
  return { ...env, FORCE_COLOR: "1" };
}

interface Tee {
  /** Stops reading and ends the log output (idempotent). */
  stop(): void;
}

/**
 * Copies one output both to the terminal and, redacted, to the log, chunk by chunk. Both
 * writes finish before the next read (the terminal's only pauses it when full), so the
 * child's pipe carries the backpressure and the runner holds no more than one chunk.
 */
function tee(channel: OutputChannel, source: Readable | null, terminal: TerminalWriter, log: LogOutput): Tee {
  channel.start(source, (chunk) => {
    log.push(chunk);
    return terminal.write(chunk, () => channel.resume());
  });
  void channel.ended.then(() => log.end());
  return {
    stop() {
      channel.stop();
      log.end();
    },
  };
}

/** Resolves with the exit, or with the error that kept the child from starting. */
function exitOf(child: ChildProcess): Promise<{ exit?: ChildExit; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ exit: { code, signal } }));
    child.once("error", (error: NodeJS.ErrnoException) => {
      // After a start, 'error' only means a failed kill(): the exit still comes.
      if (child.pid === undefined) resolve({ error });
    });
  });
}

/**
 * Waits until the child's outputs end, which is when its last output has been read. A
 * process it left behind may hold them open: then stop once output has gone quiet, after
 * ORPHAN_MAX_MS in any case (an orphan that keeps printing must not keep the runner), or at
 * once on Ctrl+C or SIGTERM.
 */
async function outputsDone(channels: readonly OutputChannel[], log: RunLog): Promise<void> {
  const closed = Promise.all(channels.map((c) => c.ended));
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<void>((resolve) => {
    const check = () => {
      if (Date.now() - log.lastActivity >= ORPHAN_IDLE_MS) resolve();
      else timer = setTimeout(check, 100);
    };
    timer = setTimeout(check, ORPHAN_IDLE_MS);
  });
  let cap: NodeJS.Timeout | undefined;
  const capped = new Promise<void>((resolve) => {
    cap = setTimeout(resolve, ORPHAN_MAX_MS);
  });
  let onSignal = () => {};
  const signalled = new Promise<void>((resolve) => {
    onSignal = () => resolve();
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, onSignal);
  });
  await Promise.race([closed, quiet, capped, signalled]);
  clearTimeout(timer);
  clearTimeout(cap);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, onSignal);
}
