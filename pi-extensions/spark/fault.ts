/**
 * Fault injection for crash tests: with `SPARK_FAULT=<point>` the process dies by SIGKILL at
 * that point, exactly as a crash would (no cleanup, no shutdown event). Never set in normal
 * use; the tests use it to prove that a crash between claim and ack loses nothing.
 */
export function faultPoint(point: "after-inject" | "after-claim"): void {
  if (process.env.SPARK_FAULT === point) process.kill(process.pid, "SIGKILL");
}
