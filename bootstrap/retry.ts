import { classifyError, type FailureKind } from "./sprite-error.js";

/** How hard to try an idempotent step again. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first backoff; each next one doubles (with jitter), up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the error is reported instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000, maxRetryAfterMs: 30_000 };

/** Failures that say nothing about the step itself: the same request may well succeed next time. */
const TRANSIENT: ReadonlySet<FailureKind> = new Set(["server", "network", "rate-limited", "exit-lost"]);

/**
 * How long to wait before attempt `attempt + 1` after `error`, or undefined to give up. Pure
 * (`random` in [0, 1) is the jitter). A 429 waits what the API asked for, when it said.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy, random = 0.5): number | undefined {
  if (attempt >= policy.attempts) return undefined;
  const { kind, retryAfterMs } = classifyError(error);
  if (!TRANSIENT.has(kind)) return undefined;
  if (kind === "rate-limited" && retryAfterMs !== undefined) {
    return retryAfterMs <= policy.maxRetryAfterMs ? retryAfterMs : undefined;
  }
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(backoff * (0.75 + random * 0.5));
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs an idempotent `step`, again after a transient failure (5xx, a reset, a lost exit
 * frame, a 429 with its Retry-After), at most `policy.attempts` times. `onRetry` hears each wait.
 */
export async function withRetry<T>(
  step: (attempt: number) => Promise<T>,
  options: {
    policy?: RetryPolicy;
    sleep?: Sleep;
    /** Narrows which transient failures are retried (default: all of them). */
    retryable?: (error: unknown) => boolean;
    onRetry?: (error: unknown, delayMs: number) => void;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      const delay = retryDelay(error, attempt, policy, Math.random());
      if (delay === undefined || options.retryable?.(error) === false) throw error;
      options.onRetry?.(error, delay);
      await (options.sleep ?? realSleep)(delay);
    }
  }
}
