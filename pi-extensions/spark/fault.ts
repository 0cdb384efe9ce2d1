/**
 * Fault injection for crash tests: with `SPARK_FAULT=<point>` the process dies by SIGKILL at
 * that point, exactly as a crash would (no cleanup, no shutdown event); `<point>:<n>` dies the
 * n-th time it gets there (a sidecar that has delivered before). Never set in normal use; the
 * tests use it to prove that a crash between claim and ack loses nothing.
 */
const reached = new Map<string, number>();

export function faultPoint(point: "after-inject" | "after-claim"): void {
  const [name, nth = "1"] = (process.env.SPARK_FAULT ?? "").split(":");
  if (name !== point) return;
  const times = (reached.get(point) ?? 0) + 1;
  reached.set(point, times);
  if (times >= Number(nth)) process.kill(process.pid, "SIGKILL");
}
