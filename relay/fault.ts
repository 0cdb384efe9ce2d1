/**
 * Fault injection for the relay's crash tests: with `SPARK_RELAY_FAULT=<point>` the relay dies
 * by SIGKILL at that point, exactly as a crash would (no cleanup, no ack). Never set in normal
 * use; the tests use it to prove that a crash in the middle of a hand-over loses nothing and
 * delivers nothing twice.
 *
 * - `after-publish`: the hub has acked the publish; the event is not yet in `delivered/`.
 * - `after-write`: the event is written into this machine's `events/`; the hub has no ack yet.
 */
export type RelayFaultPoint = "after-publish" | "after-write";

export function relayFaultPoint(point: RelayFaultPoint): void {
  if (process.env.SPARK_RELAY_FAULT === point) process.kill(process.pid, "SIGKILL");
}
