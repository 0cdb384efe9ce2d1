import { randomBytes } from "node:crypto";
import type { EventInput } from "../../bus/build-event.js";
import { loadConfig } from "../../bus/config-load.js";
import type { SparkConfig } from "../../bus/config-schema.js";
import { emitEvent, writerContext } from "../../bus/emit.js";
import { type BusPaths, busPaths } from "../../bus/paths.js";
import { RUN_ID_ENV } from "../../bus/run-id.js";
import { CliError, EXIT, usageError } from "../_errors.js";
import { createOutput, type Output } from "../_output.js";
import { projectRoot } from "../_project.js";
import { formatCommand, type RunArgv } from "./argv.js";
import { sanitizeLogName } from "./log-name.js";
import { cannotStartInput, classifyExit, failureMessage, processErrorInput, signalExitCode } from "./outcome.js";
import { failureNote, type RunRecord, runResultJson } from "./report.js";
import { resolveCommand } from "./resolve.js";
import { resolveContext } from "./resolve-context.js";
import { type ChildRun, runChild } from "./run-child.js";
import { formatDuration, MIN_EVERY_MS, nextRunAt, parseDuration } from "./schedule.js";
import { SignalRelay } from "./signals.js";

/** The project as `manifest run` sees it: events only when the config allows them. */
interface Project {
  paths: BusPaths;
  config: SparkConfig | undefined;
  /** Why no event is written, when none is. */
  eventsOff: string | undefined;
  keepLogs: number;
}

const DEFAULT_KEEP_LOGS = 50;

/**
 * `manifest run`: resolves the command, runs it (again and again with `--every`), turns each
 * failure into a `process-error` event, and returns the exit code the runner should end with.
 */
export async function runCommandLine(argv: RunArgv, cwd = process.cwd(), env = process.env): Promise<number> {
  const out = createOutput(argv.options.json);
  const everyMs = parseEvery(argv.options.every);
  const project = openProject(out);
  const command = formatCommand([argv.command, ...argv.args]);
  const resolved = resolveCommand(argv.command, argv.args, resolveContext(cwd, env));
  if (resolved.kind === "cannot-start") {
    if (!project.eventsOff) emit(project, cannotStartInput(command, resolved.message, resolved.code));
    throw new CliError(
      resolved.message,
      resolved.code === "ENOENT" ? "E_NOT_FOUND" : "E_NOT_EXECUTABLE",
      resolved.next,
      EXIT.notFound,
    );
  }
  if (resolved.kind === "script" && resolved.shadowedProgram) {
    out.note(
      `manifest run: \`${argv.command}\` is a package.json script and a program on PATH (${resolved.shadowedProgram}): running the script (${resolved.manager} run ${argv.command}). For the program: manifest run ${resolved.shadowedProgram}`,
    );
  }
  const logName = sanitizeLogName(argv.options.name ?? (resolved.kind === "script" ? resolved.script : argv.command));
  if (everyMs !== undefined)
    out.note(`manifest run: running \`${command}\` every ${formatDuration(everyMs)}; Ctrl+C stops.`);

  const relay = new SignalRelay();
  relay.install();
  const runs: RunRecord[] = [];
  let exitCode: number = EXIT.ok;
  let stoppedBy: string | undefined;
  try {
    for (let slot = Date.now(); ; ) {
      // The run's id reaches the app's own events (process hooks read it): a crash and this
      // run's process-error are then one problem, not two.
      const runId = randomBytes(8).toString("hex");
      const child = await runChild(
        { file: resolved.file, args: resolved.args, argv0: argv.command },
        {
          paths: project.paths,
          logName,
          keepLogs: project.keepLogs,
          json: out.json,
          relay,
          cwd,
          env: { ...env, [RUN_ID_ENV]: runId },
        },
      );
      const record = recordRun(child, command, project, runId);
      runs.push(record);
      exitCode = record.outcome.exitCode;
      const note = failureNote(messageOf(command, record), record, project.eventsOff);
      if (note) out.note(note);
      if (child.logError) {
        const what = child.logFile ? `the log ${child.logFile} is incomplete` : "no log was written";
        out.note(`manifest run: ${what} (${child.logError.message}). Check that .spark/logs is writable.`);
      }
      stoppedBy = relay.received[0];
      if (everyMs === undefined || stoppedBy) break;
      slot = nextRunAt(slot, everyMs, Date.now());
      const signal = await sleepUntil(slot, relay);
      if (signal) {
        stoppedBy = signal;
        exitCode = signalExitCode(signal);
        break;
      }
    }
  } finally {
    relay.uninstall();
  }
  out.document(
    runResultJson({
      command,
      resolved,
      every: argv.options.every,
      everyMs,
      eventsOff: project.eventsOff,
      exitCode,
      stoppedBy,
      runs,
    }),
  );
  return exitCode;
}

function parseEvery(every: string | undefined): number | undefined {
  if (every === undefined) return undefined;
  const ms = parseDuration(every);
  if (ms === undefined) {
    throw usageError(`--every ${every} is not a duration.`, "Write it like 30s, 5m, 1h or 1h30m.");
  }
  if (ms < MIN_EVERY_MS) throw usageError(`--every ${every} is too short.`, "Use 1s or more.");
  return ms;
}

/**
 * The project's bus and config. A config that does not load does not stop the command (the
 * exit code belongs to the child, and a typo in config/spark.ts must not keep the dev server
 * from starting): it runs and is logged, without events, and a note says why.
 */
function openProject(out: Output): Project {
  const root = projectRoot();
  try {
    const { paths, config } = loadConfig(root);
    const eventsOff = !config.enabled
      ? "Spark is disabled"
      : !config.watch.processErrors
        ? "watch.processErrors is false"
        : undefined;
    return { paths, config, eventsOff, keepLogs: config.run.keepLogs };
  } catch (error) {
    out.note(`manifest run: ${(error as Error).message}\n  Running without events until it is fixed.`);
    return {
      paths: busPaths(root),
      config: undefined,
      eventsOff: "the config does not load",
      keepLogs: DEFAULT_KEEP_LOGS,
    };
  }
}

function recordRun(child: ChildRun, command: string, project: Project, runId: string): RunRecord {
  const base = {
    startedAt: child.startedAt,
    durationMs: child.durationMs,
    code: child.exit?.code ?? null,
    signal: child.exit?.signal ?? null,
    logFile: child.logFile,
  };
  if (!child.exit) {
    // The program vanished between resolution and this run (a `--every` schedule).
    const reason = `\`${command}\` could not start: ${child.spawnError?.code ?? "error"} (${child.spawnError?.message ?? "unknown"})`;
    const event = project.eventsOff
      ? undefined
      : emit(project, cannotStartInput(command, reason, child.spawnError?.code ?? "ESPAWN"));
    return { ...base, outcome: { kind: "not-started", exitCode: EXIT.notFound, reason }, event };
  }
  const outcome = classifyExit(child.exit, child.forwarded);
  const failed = outcome.kind === "failed" || outcome.kind === "killed";
  const event =
    failed && !project.eventsOff
      ? emit(
          project,
          processErrorInput({
            command,
            outcome,
            logFile: child.logFile,
            tail: child.tail,
            durationMs: child.durationMs,
            runId,
          }),
        )
      : undefined;
  return { ...base, outcome, event };
}

function messageOf(command: string, record: RunRecord): string {
  return record.outcome.kind === "not-started" ? record.outcome.reason : failureMessage(command, record.outcome);
}

/** Publishes an event; a bus that cannot be written is reported, never fatal to the run. */
function emit(project: Project, input: EventInput): { id: string; fingerprint: string } | undefined {
  if (!project.config) return undefined;
  try {
    const event = emitEvent(project.paths, input, writerContext(project.config, "manifest run"));
    return { id: event.id, fingerprint: event.fingerprint ?? "" };
  } catch (error) {
    process.stderr.write(`manifest run: could not write the event (${(error as Error).message}).\n`);
    return undefined;
  }
}

/** Waits until `at`, or until a signal arrives (then resolves with it). */
function sleepUntil(at: number, relay: SignalRelay): Promise<NodeJS.Signals | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        stop();
        resolve(undefined);
      },
      Math.max(0, at - Date.now()),
    );
    const stop = relay.listen((signal) => {
      clearTimeout(timer);
      stop();
      resolve(signal);
    });
  });
}
