import { attemptsOf, recordFailedDelivery } from "../../bus/delivery-attempts.js";
import type { SparkEvent } from "../../bus/event-schema.js";
import type { SparkContext } from "./context.js";
import type { Delivery, DeliveryResult } from "./delivery.js";

/**
 * A delivery whose runs all ended in an error before the agent answered: the events go back
 * to the queue with the attempt recorded (or to `rejected/` once the attempts run out), the
 * consumer rests a while (the provider is likely down), and the person is told.
 */
export function handleFailedDelivery(
  s: SparkContext,
  delivery: Delivery,
  names: readonly string[],
  result: Extract<DeliveryResult, { kind: "failed" }>,
): void {
  const { maxAttempts, retryDelayMs } = s.config.delivery;
  const report = recordFailedDelivery(s.paths, s.agentId, names, { error: result.error, maxAttempts });
  delivery.restFor(retryDelayMs);
  const what = `The run ended in an error before the agent answered (${result.error})`;
  if (report.released.length > 0) {
    const next =
      s.role === "sidecar"
        ? `the sidecar tries again in ${Math.round(retryDelayMs / 1000)}s`
        : "`/spark take` takes them again once the model works";
    s.notify(
      `Spark: ${what}. ${plural(report.released.length)} went back to the queue (attempt ${report.attempt} of ${maxAttempts}): ${next}.`,
      "warning",
    );
  }
  if (report.rejected.length > 0) {
    s.notify(
      `Spark: ${what}. ${plural(report.rejected.length)} moved to rejected/ after ${maxAttempts} failed attempts: fix the model or its provider, then \`manifest spark events requeue\`.`,
      "error",
    );
  }
}

/**
 * A line for the agent when some events of a batch were handed over before and the runs
 * failed: it may find half-done work of those runs. Undefined when none were. Pure.
 */
export function attemptsNote(events: readonly SparkEvent[]): string | undefined {
  const tried = events.flatMap((e) => {
    const a = attemptsOf(e);
    return a ? [a] : [];
  });
  if (tried.length === 0) return undefined;
  const most = Math.max(...tried.map((a) => a.attempts));
  const last = tried.reduce((a, b) => (a.lastAttemptAt > b.lastAttemptAt ? a : b));
  return `> ${plural(tried.length)} of this batch ${tried.length === 1 ? "was" : "were"} handed over before, and the run${most === 1 ? "" : "s"} ended in an error before an answer (${most} failed attempt${most === 1 ? "" : "s"}; last: ${last.lastError}). Check for half-done work before you start.`;
}

/** `content` with the attempts note after its heading (nothing changes when there is none). */
export function withAttemptsNote(content: string, note: string | undefined): string {
  if (!note) return content;
  const cut = content.indexOf("\n\n");
  return cut < 0 ? `${note}\n\n${content}` : `${content.slice(0, cut)}\n\n${note}${content.slice(cut)}`;
}

function plural(n: number): string {
  return `${n} event${n === 1 ? "" : "s"}`;
}
