/** The `--json` flag every command takes. */
export const jsonArg = {
  json: { type: "boolean", description: "Print one JSON document (NDJSON for streams) and nothing else on stdout" },
} as const;

/**
 * Marks a command whose arguments after the first word belong to another program (see
 * `scanFlags` in _flags.ts): `manifest run grep -h x` hands `-h` to grep.
 */
export function passthrough<T extends object>(meta: T): T & { passthrough: true } {
  return { ...meta, passthrough: true };
}

/**
 * Adds details to a command's `--help`, printed between the options and the exit codes: the
 * one-line description also lists the command in its parent's help, so it cannot hold them.
 */
export function withDetails<T extends object>(meta: T, details: string): T & { details: string } {
  return { ...meta, details };
}
