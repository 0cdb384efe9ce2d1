import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EventInput } from "../bus/build-event.js";
import { buildEvent } from "../bus/build-event.js";
import { findProjectRoot, loadConfig } from "../bus/config-load.js";
import type { SparkConfig } from "../bus/config-schema.js";
import { writerContext } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { ensureBusDirs } from "../bus/secure-fs.js";
import { writeEvent } from "../bus/write-event.js";
import { EmitBudget } from "./budget.js";
import { PendingGauge } from "./pending-gauge.js";
import { installHooks } from "./process-hooks.js";
import type { EmitterCore, EmitterOptions, ServerErrorInput } from "./types.js";

/** The longest request id kept as a trace id (it comes from a client header). */
const MAX_TRACE_ID = 200;

/** Which `watch.*` switch governs an event type. */
const SWITCH_OF: Record<string, keyof SparkConfig["watch"]> = {
  "server-error": "serverErrors",
  "unhandled-error": "unhandledErrors",
  "process-error": "processErrors",
};

/**
 * Loads the config once and returns the emitter. Never throws: a broken config disables
 * Spark for this process and says why once on stderr.
 */
export function createEmitterCore(options: EmitterOptions = {}, warn = defaultWarn): EmitterCore {
  let config: SparkConfig;
  let paths: BusPaths;
  let root: string;
  try {
    root = options.root ?? findProjectRoot();
    const loaded = loadConfig(root);
    config = loaded.config;
    paths = loaded.paths;
  } catch (error) {
    warn(`Spark is off for this process: ${(error as Error).message}`);
    return disabledCore;
  }
  if (!config.enabled) return disabledCore;
  try {
    ensureBusDirs(paths);
  } catch (error) {
    warn(`cannot create ${paths.events}: ${(error as Error).message}. Events will be retried on each write.`);
  }
  const ctx = writerContext(config, options.app ?? appName(root));
  let emitting = false;
  let lastFailure = "";
  const budget = createBudget(config, paths, warn, (input) => publish(input, false));

  /** Builds and writes one event; through the budget unless it is a summary of counted ones. */
  const publish = (input: EventInput, budgeted: boolean): string | undefined => {
    const built = buildEvent(input, ctx);
    const fingerprint = built.event.fingerprint ?? "";
    if (budgeted && !budget.admit(fingerprint, input)) return undefined;
    writeEvent(paths, built);
    budget.wrote(fingerprint, `${built.event.id}.json`, Buffer.byteLength(built.json));
    return built.event.id;
  };

  const emit = (input: EventInput): string | undefined => {
    const switchName = SWITCH_OF[input.type];
    if (switchName && !config.watch[switchName]) return undefined;
    // An error raised while writing must not loop back into another write (Manifest PR #3).
    if (emitting) return undefined;
    emitting = true;
    try {
      return publish(input, true);
    } catch (error) {
      const bad = error instanceof TypeError;
      const message = bad
        ? `spark.emit got an unusable event: ${(error as Error).message}`
        : `could not write a ${input.type} event to ${paths.events}: ${(error as Error).message}`;
      if (message !== lastFailure) warn(bad ? message : `${message}. Check the folder's permissions and free space.`);
      lastFailure = message;
      return undefined;
    } finally {
      emitting = false;
    }
  };

  const captureServerError = (input: ServerErrorInput): string | undefined => {
    // A request id comes from the client: bounded, like every other string it sends.
    const traceId = input.requestId ? input.requestId.slice(0, MAX_TRACE_ID) : randomUUID();
    return emit({
      type: "server-error",
      traceId,
      feature: input.feature,
      route: input.route,
      status: input.status ?? 500,
      error: input.error ?? { message: `HTTP ${input.status ?? 500}` },
      ...(input.input !== undefined ? { request: { input: input.input } } : {}),
      ...(input.framework !== undefined ? { framework: input.framework } : {}),
    });
  };

  return {
    enabled: true,
    emit,
    captureServerError,
    installProcessHooks: () => {
      if (config.watch.unhandledErrors) installHooks(emit);
    },
  };
}

/**
 * The budget of this process (config `budget`). A summary is written with the newest counted
 * occurrence and its count (`repeats`); the person is told once, on stderr, that counting began.
 */
function createBudget(
  config: SparkConfig,
  paths: BusPaths,
  warn: (message: string) => void,
  write: (input: EventInput) => unknown,
): EmitBudget {
  const b = config.budget;
  const gauge = new PendingGauge(paths.events, { maxFiles: b.maxPendingFiles, maxBytes: b.maxPendingBytes });
  return new EmitBudget(
    b,
    gauge,
    (example, repeats) => {
      try {
        write(repeats.count > 0 ? { ...example, repeats } : example);
      } catch (error) {
        warn(`could not write a summary of ${repeats.count + 1} counted events: ${(error as Error).message}`);
      }
    },
    (limits) =>
      warn(
        `one problem is repeating fast: past ${limits.perProblem} events in ${Math.round(limits.windowMs / 1000)}s (or with events/ full), further ones are counted and written as one summary event with the count (config \`budget\`).`,
      ),
  );
}

const disabledCore: EmitterCore = {
  enabled: false,
  emit: () => undefined,
  captureServerError: () => undefined,
  installProcessHooks: () => {},
};

function appName(root: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name?: unknown };
    return typeof pkg.name === "string" ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}

function defaultWarn(message: string): void {
  try {
    process.stderr.write(`[spark] ${message}\n`);
  } catch {
    // Nowhere left to say it.
  }
}
