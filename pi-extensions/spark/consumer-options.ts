import type { ConsumerOptions } from "../../bus/consumer.js";
import { describeHold } from "../../bus/effective-pause.js";
import type { SparkContext } from "./context.js";
import type { Delivery } from "./delivery.js";

/**
 * What every consumer in a Pi session shares (the sidecar's, and a person's with
 * `human.autoInject`): the config's windows, and one message at a time, only to an idle agent.
 * A batch waits on disk while the agent works (it coalesces there) and goes out with a turn of
 * its own once the run ends.
 */
export function sessionConsumerOptions(
  s: SparkContext,
  delivery: Delivery,
): Pick<
  ConsumerOptions,
  "paths" | "consumerId" | "debounceMs" | "backstopMs" | "maxEvents" | "ready" | "describeHold"
> {
  return {
    paths: s.paths,
    consumerId: s.agentId,
    debounceMs: s.config.debounce.windowMs,
    backstopMs: s.config.watcher.backstopMs,
    maxEvents: s.config.batch.maxEvents,
    ready: () => isIdle(s.ctx) && !delivery.pending,
    describeHold,
  };
}

/** ctx.isIdle(), false once the ctx is stale (the session was replaced or ended). */
function isIdle(ctx: { isIdle(): boolean }): boolean {
  try {
    return ctx.isIdle();
  } catch {
    return false;
  }
}
