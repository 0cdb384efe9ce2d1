import type { AgentSessionEvent } from "@mariozechner/pi-coding-agent";
import {
  AWAKE_POLICY,
  AWAKE_START,
  type AwakeNotice,
  type AwakePolicy,
  type AwakeState,
  afterAwakeStep,
  nextAwakeStep,
} from "./awake-rules.js";
import type { SidecarHost } from "./host.js";
import { findSpriteApiSocket, type SpriteTasks, spriteTasks } from "./sprite-tasks.js";

/** Whether the agent works now, and a call whenever that may have changed. */
export interface WorkSignal {
  working(): boolean;
  onChange(listener: () => void): () => void;
}

/** A keep-awake that runs until stopped; stopping lets the Sprite sleep. */
export interface KeepAwake {
  stop(): Promise<void>;
}

/** Events after which the agent may have started or stopped working. */
const TURNING_POINTS = new Set<AgentSessionEvent["type"]>([
  "agent_start",
  "agent_end",
  "auto_retry_start",
  "auto_retry_end",
  "compaction_start",
  "compaction_end",
]);

/**
 * The host's work: a run (a batch, a person's prompt, a tool call waiting for a yes), Pi's
 * retry of a failed one, or a compaction. From the events, not `isStreaming`: that is still
 * true while `agent_end` is handed out, which would keep the Sprite awake a minute too long.
 */
export function hostWork(host: SidecarHost): WorkSignal {
  let running = false;
  let compacting = false;
  const listeners = new Set<() => void>();
  host.agent.onEvent((event) => {
    if (!TURNING_POINTS.has(event.type)) return;
    if (event.type === "agent_start") running = true;
    if (event.type === "agent_end") running = false;
    if (event.type === "compaction_start") compacting = true;
    if (event.type === "compaction_end") compacting = false;
    for (const listener of listeners) listener();
  });
  return {
    working() {
      const session = host.agent.session();
      // A run whose end was never seen (a session replaced mid-run) is over once Pi says so.
      if (running && !session.isStreaming) running = false;
      // Set before agent_end is handed out when Pi will retry: no release between the two.
      return running || compacting || session.isRetrying;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Holds the Sprite's task while `work` says the agent works, refreshes it, releases it when
 * idle and when stopped. Calls go one at a time; a failed one is told once through `say` and
 * never reaches the sidecar.
 */
export function keepAwake(
  work: WorkSignal,
  tasks: SpriteTasks,
  say: (notice: AwakeNotice) => void,
  policy: AwakePolicy = AWAKE_POLICY,
): KeepAwake {
  let state: AwakeState = AWAKE_START;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const step = (): void => {
    if (inFlight) {
      again = true;
      return;
    }
    const next = nextAwakeStep(state, !stopped && work.working(), Date.now(), policy);
    if (!next) return;
    inFlight = (async () => {
      let error: string | undefined;
      try {
        if (next === "hold") await tasks.hold(policy.task, policy.expireSeconds);
        else await tasks.release(policy.task);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const after = afterAwakeStep(state, next, error, Date.now(), policy);
      state = after.state;
      if (after.notice) say(after.notice);
    })().finally(() => {
      inFlight = undefined;
      if (again) {
        again = false;
        step();
      }
    });
  };

  const unsubscribe = work.onChange(step);
  // Half the refresh period: a refresh is never later than 1.5 periods after the last one.
  const timer = setInterval(step, Math.max(1, Math.floor(policy.refreshMs / 2)));
  timer.unref();
  step();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      while (inFlight) await inFlight;
      step();
      while (inFlight) await inFlight;
    },
  };
}

/**
 * Keep-awake for a sidecar host in a Sprite (its management socket exists), else nothing:
 * on a laptop there is no socket, and nothing to say.
 */
export function keepSpriteAwake(host: SidecarHost, env: NodeJS.ProcessEnv = process.env): KeepAwake {
  const socket = findSpriteApiSocket(env);
  if (!socket) return { stop: async () => {} };
  host.agent.notice(
    "info",
    "in a Sprite: the sidecar keeps it awake while the agent works, and lets it sleep when idle",
  );
  return keepAwake(hostWork(host), spriteTasks(socket), (n) => host.agent.notice(n.level, `keep-awake: ${n.text}`));
}
