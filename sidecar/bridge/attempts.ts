/**
 * Slows down guessing the token: each wrong token from one address waits longer before its
 * 401 (doubling from `baseDelayMs` up to `maxDelayMs`), and past `maxFailures` wrong tokens in
 * `windowMs` the address gets a 429 without any comparison until the window has passed. A
 * right token clears the address. Memory is bounded: at most `maxTracked` addresses, the
 * least recently failed forgotten first. Pure: the caller passes the clock.
 */
export interface AttemptPolicy {
  windowMs: number;
  maxFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxTracked: number;
}

export const DEFAULT_ATTEMPT_POLICY: AttemptPolicy = {
  windowMs: 60_000,
  maxFailures: 10,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxTracked: 10_000,
};

export interface AttemptLimiter {
  /** Whether `address` may try now; when not, how many seconds until it may. */
  check(address: string, now: number): { allowed: true } | { allowed: false; retryAfterS: number };
  /** Records a wrong token; returns how long to wait before answering it. */
  fail(address: string, now: number): number;
  /** A right token: the address starts afresh. */
  succeed(address: string): void;
  /** Addresses tracked now. */
  size(): number;
}

interface Record {
  failures: number;
  firstAt: number;
}

export function createAttemptLimiter(policy: AttemptPolicy = DEFAULT_ATTEMPT_POLICY): AttemptLimiter {
  // A Map iterates in insertion order: deleting and re-inserting on each failure keeps the
  // least recently failed address first, ready to be evicted.
  const records = new Map<string, Record>();
  const current = (address: string, now: number): Record | undefined => {
    const r = records.get(address);
    if (r && now - r.firstAt >= policy.windowMs) {
      records.delete(address);
      return undefined;
    }
    return r;
  };
  return {
    check(address, now) {
      const r = current(address, now);
      if (!r || r.failures < policy.maxFailures) return { allowed: true };
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil((r.firstAt + policy.windowMs - now) / 1000)) };
    },
    fail(address, now) {
      const r = current(address, now) ?? { failures: 0, firstAt: now };
      r.failures++;
      records.delete(address);
      records.set(address, r);
      while (records.size > policy.maxTracked) {
        const oldest = records.keys().next().value as string;
        records.delete(oldest);
      }
      return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (r.failures - 1));
    },
    succeed(address) {
      records.delete(address);
    },
    size: () => records.size,
  };
}
