/** The signals the runner passes on to the child instead of dying of them. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Where forwarded signals go. */
interface Target {
  pid: number;
  /** The child leads its own process group: signal the group, so the scripts it starts get it too. */
  group: boolean;
  /** Signals the child already got from the terminal: passing them on again would double them. */
  delivered: ReadonlySet<NodeJS.Signals>;
  forwarded: NodeJS.Signals[];
}

/**
 * Catches Ctrl+C, SIGTERM and SIGHUP while `manifest run` works, passes each on to the running
 * child, and remembers what it passed: a child that then dies of it was interrupted, not
 * broken. Between runs of `--every` there is no child: listeners hear the signal and stop.
 */
export class SignalRelay {
  /** Every signal received, in order. */
  readonly received: NodeJS.Signals[] = [];
  private target: Target | undefined;
  private readonly listeners = new Set<(signal: NodeJS.Signals) => void>();
  private readonly handle = (signal: NodeJS.Signals) => {
    this.received.push(signal);
    const target = this.target;
    if (target) {
      target.forwarded.push(signal);
      if (!target.delivered.has(signal)) {
        try {
          process.kill(target.group ? -target.pid : target.pid, signal);
        } catch {
          // Already gone (ESRCH): its exit is on its way.
        }
      }
    }
    for (const listener of this.listeners) listener(signal);
  };

  /** Starts catching the signals (the runner no longer dies of them). */
  install(): void {
    for (const signal of FORWARDED_SIGNALS) process.on(signal, this.handle);
  }

  /** Restores the default handling. */
  uninstall(): void {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, this.handle);
    this.listeners.clear();
  }

  /**
   * Forwards signals to `pid` (its group with `group`) from now on, except those in
   * `delivered`, which only count as forwarded. Returns the list the forwarded ones go to.
   */
  attach(pid: number, group: boolean, delivered: readonly NodeJS.Signals[] = []): readonly NodeJS.Signals[] {
    this.target = { pid, group, delivered: new Set(delivered), forwarded: [] };
    return this.target.forwarded;
  }

  /** Stops forwarding (the child is gone). */
  detach(): void {
    this.target = undefined;
  }

  /** Calls `listener` on each signal until the returned function is called. */
  listen(listener: (signal: NodeJS.Signals) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
