import { type Consumer, startConsumer } from "../../bus/consumer.js";
import { evaluateHold, type HoldState } from "../../bus/effective-pause.js";
import { isAgentNotice, isPeopleNotice } from "../../bus/event-schema.js";
import { housekeeping } from "../../bus/housekeeping.js";
import { readPause } from "../../bus/pause.js";
import { liveAgents, localLivenessFacts } from "../../bus/presence.js";
import { ackClaimed } from "../../bus/queue.js";
import { sessionConsumerOptions } from "./consumer-options.js";
import type { SparkContext } from "./context.js";
import type { Delivery } from "./delivery.js";
import { injectClaimed } from "./take.js";

/**
 * `human.autoInject`: with no sidecar alive, this person's session takes events itself, by
 * the same rules as the sidecar: the start-up sweep (dead claims, expiry), the debounce, the
 * effective pause (a manual pause, another human working), one message at a time and only
 * when this session is idle.
 */
export function startAutoInject(s: SparkContext, delivery: Delivery): Consumer {
  const { paths, config } = s;
  try {
    housekeeping(paths, config, { startup: true });
  } catch (error) {
    s.report(error);
  }
  const hold = (): HoldState => {
    const live = liveAgents(paths, localLivenessFacts(config.presence.ttlMs));
    if (live.some((a) => a.role === "sidecar")) {
      return { held: true, cause: "deferred", reason: "a sidecar is running: it takes the events" };
    }
    const others = live.filter((a) => a.id !== s.agentId);
    return evaluateHold(readPause(paths, config.pause.staleThresholdMinutes * 60_000), others);
  };
  return startConsumer({
    ...sessionConsumerOptions(s, delivery),
    hold,
    deliver: async (batch) => {
      const isNews = (c: (typeof batch.claimed)[number]) => isAgentNotice(c.event.type) || isPeopleNotice(c.event);
      const notices = batch.claimed.filter(isNews);
      const work = batch.claimed.filter((c) => !isNews(c));
      // With no sidecar there is nobody to announce joins to: the notices are just acked.
      ackClaimed(
        paths,
        s.agentId,
        notices.map((c) => c.name),
      );
      if (work.length === 0) return "ack";
      // injectClaimed acks or releases the work itself; the consumer then finds nothing to move.
      return (await injectClaimed(s, delivery, work, batch.held)) ? "ack" : "release";
    },
    onError: (error) => s.report(error),
  });
}
