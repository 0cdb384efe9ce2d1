import type { EventInput } from "../bus/build-event.js";

const INSTALLED = Symbol.for("manifest-spark.process-hooks");

type Emit = (input: EventInput) => string | undefined;

/**
 * Records uncaught exceptions and unhandled rejections as `unhandled-error` events, then
 * lets the runtime do what it would have done anyway: the process still dies with a
 * non-zero code, after the event is on disk.
 *
 * On Node this is `uncaughtExceptionMonitor`, which observes without changing behaviour
 * (unhandled rejections arrive there too, with origin `unhandledRejection`, under Node's
 * default `--unhandled-rejections=throw`). Runtimes without the monitor (Bun) get an
 * `uncaughtException` listener that records, prints and exits with code 1 as Node would,
 * unless the app has its own listener.
 */
export function installHooks(emit: Emit): void {
  const registry = process as unknown as Record<symbol, boolean>;
  if (registry[INSTALLED]) return;
  registry[INSTALLED] = true;

  const record = (error: unknown, origin: string) => {
    emit({
      type: "unhandled-error",
      error: error ?? { message: String(error) },
      origin,
    });
  };

  if (!process.versions.bun) {
    process.on("uncaughtExceptionMonitor", (error, origin) => record(error, origin));
    return;
  }
  const onException = (error: unknown) => {
    record(error, "uncaughtException");
    if (process.listenerCount("uncaughtException") > 1) return;
    process.stderr.write(`${error instanceof Error ? (error.stack ?? String(error)) : String(error)}\n`);
    process.exit(1);
  };
  const onRejection = (reason: unknown) => {
    record(reason, "unhandledRejection");
    if (process.listenerCount("unhandledRejection") > 1) return;
    process.stderr.write(`${reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason)}\n`);
    process.exit(1);
  };
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
}
