import type { BusPaths } from "../../bus/paths.js";
import {
  type AgentPresence,
  type AgentRole,
  type AgentStatus,
  newPresence,
  type RunOutcome,
  removePresence,
  writePresence,
} from "../../bus/presence.js";

/**
 * Keeps this Pi instance's presence file: written at start, heartbeat every `heartbeatMs`,
 * `working`/`idle` on demand, removed at stop. The timer is unref'd so it never keeps
 * `pi -p` alive.
 */
export class PresenceKeeper {
  private record: AgentPresence;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly paths: BusPaths,
    input: { id: string; role: AgentRole; cwd: string },
    heartbeatMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.record = newPresence(input);
    writePresence(paths, this.record);
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.timer.unref();
  }

  get id(): string {
    return this.record.id;
  }

  get status(): AgentStatus {
    return this.record.status;
  }

  /** Marks the agent working or idle; writes only on a change. */
  setStatus(status: AgentStatus): void {
    if (this.stopped || this.record.status === status) return;
    const now = new Date().toISOString();
    this.record = { ...this.record, status, lastActivity: now, heartbeatAt: now };
    this.write();
  }

  /** Records how the agent's last run ended (the sidecar's: human sessions show it). */
  recordRun(run: Omit<RunOutcome, "endedAt">): void {
    if (this.stopped) return;
    const now = new Date().toISOString();
    this.record = { ...this.record, lastRun: { ...run, endedAt: now }, heartbeatAt: now };
    this.write();
  }

  /** Removes the presence file. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    try {
      removePresence(this.paths, this.record.id);
    } catch (error) {
      this.onError(error);
    }
  }

  private beat(): void {
    if (this.stopped) return;
    this.record = { ...this.record, heartbeatAt: new Date().toISOString() };
    this.write();
  }

  private write(): void {
    try {
      writePresence(this.paths, this.record);
    } catch (error) {
      this.onError(error);
    }
  }
}
