import { hostname } from "node:os";
import { buildEvent, type EventInput, type WriterContext } from "./build-event.js";
import type { SparkConfig } from "./config-schema.js";
import type { SparkEvent } from "./event-schema.js";
import type { BusPaths } from "./paths.js";
import { writeEvent } from "./write-event.js";

/** The writer context of this process under a config. */
export function writerContext(config: Pick<SparkConfig, "environment" | "redact">, app?: string): WriterContext {
  return {
    environment: config.environment,
    host: hostname(),
    pid: process.pid,
    app,
    redactKeys: config.redact.keys,
  };
}

/**
 * Builds (names, redacts, limits, fingerprints) and atomically publishes one event.
 * Synchronous on purpose: it is one small write, and crash handlers need it done before
 * the process ends. Throws on I/O failure; the app-facing emitter wraps it.
 */
export function emitEvent(paths: BusPaths, input: EventInput, ctx: WriterContext): SparkEvent {
  const built = buildEvent(input, ctx);
  writeEvent(paths, built);
  return built.event;
}
