/** Exit codes shared by every command (printed by `--help`). */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem (a failed check, a declined confirmation). */
  failure: 1,
  /** Bad usage: an unknown command, a missing or invalid argument. */
  usage: 2,
  /** `config/spark.ts` does not load or validate. */
  config: 3,
  /** `manifest run`: the command could not start (not found, not executable). */
  notFound: 127,
  /** `manifest run`: interrupted with Ctrl+C (the child got the signal). */
  interrupted: 130,
} as const;

/** The exit codes section of `--help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the command found a problem (failed checks, declined confirmation)
  2    usage error (unknown command, bad argument)
  3    config/spark.ts does not load or validate
  run: the child's own exit code; 127 when it cannot start; 128+N when killed by signal N;
       130 after Ctrl+C (the child got the signal)`;

/** An error for the user: what happened, and what to do next. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `E_UNKNOWN_COMMAND`. */
    readonly code: string,
    /** The next step, one line. */
    readonly next?: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** A usage error (exit code 2). */
export function usageError(message: string, next?: string): CliError {
  return new CliError(message, "E_USAGE", next, EXIT.usage);
}
