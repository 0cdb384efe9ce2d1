import type { EventInput } from "../bus/build-event.js";
import { currentRunId } from "../bus/run-id.js";

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
    const runId = currentRunId();
    emit({
      type: "unhandled-error",
      error: error ?? { message: String(error) },
      origin,
      ...(runId ? { runId } : {}),
    });
  };

  if (!process.versions.bun) {
    installNodeHooks(record);
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

/**
 * Node: `uncaughtExceptionMonitor` sees every crash without changing it, including unhandled
 * rejections under the default `--unhandled-rejections=throw`. But an app (or a library such
 * as Sentry) with its own `unhandledRejection` listener handles rejections itself: Node then
 * never raises them, and the monitor never sees them. So Spark listens as well, but only
 * while someone else does (or when the mode never crashes anyway): a listener of its own
 * would stop Node's default crash.
 */
function installNodeHooks(record: (error: unknown, origin: string) => void): void {
  const seen = new WeakSet<object>();
  const once = (error: unknown, origin: string) => {
    if (typeof error === "object" && error !== null) {
      if (seen.has(error)) return;
      seen.add(error);
    }
    record(error, origin);
  };
  process.on("uncaughtExceptionMonitor", (error, origin) => once(error, origin));

  const onRejection = (reason: unknown) => once(reason, "unhandledRejection");
  const neverCrashes = /--unhandled-rejections[= ](warn|none|warn-with-error-code)\b/.test(
    `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`,
  );
  let attached = false;
  const follow = () => {
    const others = process.listeners("unhandledRejection").filter((l) => l !== onRejection).length;
    const want = neverCrashes || others > 0;
    if (want && !attached) process.on("unhandledRejection", onRejection);
    if (!want && attached) process.off("unhandledRejection", onRejection);
    attached = want;
  };
  // Listeners come and go after start-up; (new|remove)Listener fire before the change lands.
  process.on("newListener", (event) => {
    if (event === "unhandledRejection") queueMicrotask(follow);
  });
  process.on("removeListener", (event) => {
    if (event === "unhandledRejection") queueMicrotask(follow);
  });
  follow();
}
