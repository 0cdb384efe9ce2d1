/** Draws at most once per interval, and only after something asked for it. */
export interface RedrawScheduler {
  /** Something changed: draw soon (at once if the last draw is older than the interval). */
  mark(): void;
  /** Draws now, cancelling a pending draw. */
  flush(): void;
  /** Forgets a pending draw. */
  cancel(): void;
}

export interface RedrawClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: RedrawClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Coalesces redraws: an event storm marks the screen thousands of times, and it is drawn
 * once per `minIntervalMs`. One timer, armed only while a draw is owed: nothing runs when
 * nothing happens.
 */
export function createRedrawScheduler(
  draw: () => void,
  minIntervalMs = 60,
  clock: RedrawClock = realClock,
): RedrawScheduler {
  let timer: unknown;
  let last = Number.NEGATIVE_INFINITY;
  const run = () => {
    timer = undefined;
    last = clock.now();
    draw();
  };
  return {
    mark() {
      if (timer !== undefined) return;
      timer = clock.setTimeout(run, Math.max(0, last + minIntervalMs - clock.now()));
    },
    flush() {
      if (timer !== undefined) clock.clearTimeout(timer);
      run();
    },
    cancel() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
