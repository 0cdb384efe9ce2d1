/**
 * The bash scripts every remote command is wrapped in. SDK 0.1.0 drops an exec socket that
 * carries no message for 45 s (sprites-js#13), so a quiet command would fail: a background
 * loop writes one NUL byte to stderr every `HEARTBEAT_SECONDS`, and the client removes NULs
 * from stderr. Stdin is /dev/null: the SDK never sends EOF on its own.
 */

/** How often the heartbeat speaks: well inside the SDK's 45 s. */
export const HEARTBEAT_SECONDS = 20;

/** The byte the heartbeat writes (text on stderr has none). */
export const HEARTBEAT_BYTE = 0;

const HEARTBEAT_START =
  // sleep's own fds point at /dev/null, so a sleep left over after the kill holds no pipe open.
  `__spark_hb() { while sleep ${HEARTBEAT_SECONDS} </dev/null >/dev/null 2>&1; do printf '\\0' >&2; done; }\n` +
  "__spark_hb & __spark_hb_pid=$!\n";
const HEARTBEAT_END = "__spark_rc=$?\nkill $__spark_hb_pid 2>/dev/null\nexit $__spark_rc\n";

/**
 * `bash -lc` arguments that run `script` (trusted text written by Spark, never built from
 * input) with stdin closed and the heartbeat on. Pure.
 */
export function scriptArgs(script: string): string[] {
  return ["-lc", `${HEARTBEAT_START}(\n${script}\n) </dev/null\n${HEARTBEAT_END}`];
}

/**
 * `bash -lc` arguments that run the argument vector `argv` as it is: the words travel as
 * bash's positional parameters, so nothing in them is ever parsed as shell. Pure.
 */
export function argvArgs(argv: readonly string[]): string[] {
  return ["-lc", `${HEARTBEAT_START}"$@" </dev/null\n${HEARTBEAT_END}`, "spark-exec", ...argv];
}

/** Removes the heartbeat's bytes from a stderr chunk (the same buffer when it has none). Pure. */
export function stripHeartbeat(chunk: Buffer): Buffer {
  if (!chunk.includes(HEARTBEAT_BYTE)) return chunk;
  const out = Buffer.allocUnsafe(chunk.length);
  let n = 0;
  for (const byte of chunk) if (byte !== HEARTBEAT_BYTE) out[n++] = byte;
  return out.subarray(0, n);
}
