/**
 * When the sidecar holds its Sprite awake, and what it says about it. A Sprite sleeps after
 * about 30 s with no request; a cold one stops its processes, which would cut an agent's run
 * in half. The Tasks API holds it awake for as long as a named task lives: the sidecar holds
 * one while the agent works, refreshes it before it expires, and drops it when the agent is
 * idle (a task held with nothing to do is billed for nothing). Pure: the I/O is in
 * keep-awake.ts.
 */

export interface AwakePolicy {
  /** The task's name: one per sidecar (one sidecar per project, one project per Sprite). */
  task: string;
  /**
   * How long one hold lasts, in seconds. Short: a sidecar killed while holding (a crash, a
   * forced restart) lets the Sprite sleep this soon after, instead of at the one-hour cap.
   */
  expireSeconds: number;
  /** How often a held task is refreshed: well inside `expireSeconds`, with a tick's slack. */
  refreshMs: number;
}

export const AWAKE_POLICY: AwakePolicy = { task: "spark-sidecar", expireSeconds: 180, refreshMs: 60_000 };

/** What the sidecar believes of its task. */
export interface AwakeState {
  /** A hold was acknowledged and not released since. */
  held: boolean;
  /** When the last hold was acknowledged (ms). */
  refreshedAt: number | undefined;
  /** The last call failed: the next failure is not reported again. */
  failing: boolean;
}

export const AWAKE_START: AwakeState = { held: false, refreshedAt: undefined, failing: false };

export type AwakeStep = "hold" | "release";

/** The call to make now: hold (or refresh) while working, release once idle, else nothing. */
export function nextAwakeStep(
  state: AwakeState,
  working: boolean,
  now: number,
  policy: AwakePolicy,
): AwakeStep | undefined {
  if (working) {
    const due = state.refreshedAt === undefined || now - state.refreshedAt >= policy.refreshMs;
    return !state.held || due ? "hold" : undefined;
  }
  return state.held ? "release" : undefined;
}

export interface AwakeNotice {
  level: "info" | "warning";
  text: string;
}

/**
 * The state after a call, and what to tell the person. A failed hold leaves the state as it
 * was, so the next tick tries again; a failed release counts as released (the task expires
 * on its own). A failure is said once per streak, and its end once: a Sprite whose API is
 * down must not fill the log, and the sidecar goes on either way.
 */
export function afterAwakeStep(
  state: AwakeState,
  step: AwakeStep,
  error: string | undefined,
  now: number,
  policy: AwakePolicy,
): { state: AwakeState; notice?: AwakeNotice } {
  if (error === undefined) {
    const next: AwakeState =
      step === "hold" ? { held: true, refreshedAt: now, failing: false } : { ...AWAKE_START, failing: false };
    return state.failing
      ? { state: next, notice: { level: "info", text: "the Sprite's Tasks API answers again: keep-awake is back" } }
      : { state: next };
  }
  const next: AwakeState = step === "hold" ? { ...state, failing: true } : { ...AWAKE_START, failing: true };
  if (state.failing) return { state: next };
  const text =
    step === "hold"
      ? `could not keep the Sprite awake while the agent works (${error}): it may sleep mid-run. The sidecar goes on, and tries again while the agent works.`
      : `could not let the Sprite sleep now (${error}): its task ends on its own within ${policy.expireSeconds} s. The sidecar goes on.`;
  return { state: next, notice: { level: "warning", text } };
}
