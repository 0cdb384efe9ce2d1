/**
 * The bridge's errors, apart from the code that throws them: the CLI matches on them without
 * loading hono (an optional tool) when `--web` was not asked for.
 */

/** Thrown when the bridge cannot listen: says on what and what to do. */
export class BridgeListenError extends Error {
  override readonly name = "BridgeListenError";
}

/** Thrown when the bridge must not start: says why and what to do. */
export class WebTokenError extends Error {
  override readonly name = "WebTokenError";
  constructor(
    message: string,
    readonly next: string,
  ) {
    super(message);
  }
}
