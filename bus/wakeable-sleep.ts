/**
 * A sleep another part of the same loop can cut short: a stop, a reconnect, a new reason to
 * look again. `wake` ends the sleep in progress; with none in progress it does nothing.
 */
export interface WakeableSleep {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

export function wakeableSleep(): WakeableSleep {
  let cut: (() => void) | undefined;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          cut = undefined;
          resolve();
        }, ms);
        cut = () => {
          clearTimeout(timer);
          cut = undefined;
          resolve();
        };
      }),
    wake: () => cut?.(),
  };
}
