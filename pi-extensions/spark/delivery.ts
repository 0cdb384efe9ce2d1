import { randomBytes } from "node:crypto";
import type { ExtensionAPI, ExtensionContext } from "@mariozechner/pi-coding-agent";
import { MESSAGE_TYPES } from "./context.js";
import { runOutcome } from "./run-outcome.js";

/** What travels in the `details` of a Spark events message (never sent to the model). */
export interface EventsMessageDetails {
  ids: string[];
  held: { since: string; cause: string } | null;
  /** Ties the message to the delivery waiting for it. */
  token: string;
}

/**
 * How a delivery ended. `delivered`: Pi took the message and the agent answered (or a person
 * aborted the run). `not-taken`: the run ended without taking it (an abort or a model error
 * drops queued follow-ups; the session ended). `failed`: Pi took it but every run since ended
 * in an error before the agent answered (a provider that is down, no model).
 */
export type DeliveryResult =
  | { kind: "delivered" }
  | { kind: "not-taken" }
  | { kind: "failed"; error: string; runs: number };

export interface DeliveryOptions {
  /**
   * Whether Pi is about to retry the run that just failed (its auto-retry). A host that has the
   * session knows (`session.isRetrying`); without it, a failure is final once no new run starts
   * within Pi's default retry delays.
   */
  isRetrying?: () => boolean;
}

interface Waiting {
  /** Pi took the message into the conversation (its `message_end` came). */
  taken: boolean;
  /** The agent answered in some run since. */
  answered: boolean;
  /** The errors of the runs since it was taken that ended before an answer. */
  errors: string[];
  /** Set while a failed run may still be retried by Pi. */
  settling?: NodeJS.Timeout;
  onTaken: () => void;
  resolve: (result: DeliveryResult) => void;
}

/** How often a failed delivery looks whether Pi retries it. */
const SETTLE_POLL_MS = 250;

/**
 * How long, without a host that can say, to wait for Pi's auto-retry after the n-th failed run:
 * Pi waits 2 s, then 4 s, then 8 s (its defaults) before it retries; a margin on top.
 */
export function settleMs(failedRuns: number): number {
  return Math.min(2000 * 2 ** (failedRuns - 1), 32_000) + 2000;
}

/**
 * Sends Spark's event messages and says when their events may be acked.
 *
 * Pi's `sendMessage` returns nothing, and a session file is only written once it holds an
 * assistant message: a message is *durable* at the end of the run it started, not when it
 * starts. So: `onTaken` runs at the message's `message_end` (the caller records the event ids
 * in the session there; Pi writes that entry with the message, or neither), and the delivery
 * resolves at `agent_end`. "Delivered" means an agent handled it: a run that ends in an error
 * before the agent answered is a failed delivery (after Pi's own retries), never an ack.
 */
export class Delivery {
  private readonly waiting = new Map<string, Waiting>();
  private quietUntil = 0;

  constructor(
    private readonly pi: ExtensionAPI,
    private readonly ctx: ExtensionContext,
    private readonly options: DeliveryOptions = {},
  ) {}

  /** Whether a message is out and not yet resolved, or deliveries are resting after a failure. */
  get pending(): boolean {
    return this.waiting.size > 0 || Date.now() < this.quietUntil;
  }

  /** After a failed delivery: no new message for `ms` (the provider may be down). */
  restFor(ms: number): void {
    this.quietUntil = Math.max(this.quietUntil, Date.now() + ms);
  }

  /** Sends one events message; resolves once its runs have ended, with how. */
  send(
    content: string,
    ids: string[],
    held: EventsMessageDetails["held"],
    onTaken: () => void,
  ): Promise<DeliveryResult> {
    const token = randomBytes(6).toString("hex");
    const done = new Promise<DeliveryResult>((resolve) =>
      this.waiting.set(token, { taken: false, answered: false, errors: [], onTaken, resolve }),
    );
    const details: EventsMessageDetails = { ids, held, token };
    this.pi.sendMessage(
      { customType: MESSAGE_TYPES.events, content, display: true, details },
      // The sidecar only sends when idle; a person's `/spark take` may come mid-run.
      this.ctx.isIdle() ? { triggerTurn: true } : { deliverAs: "followUp" },
    );
    return done;
  }

  /** Wire to `message_end`: the message with this token is now in the conversation. */
  onMessageEnd(message: { role: string; customType?: string; details?: unknown }): void {
    if (message.role !== "custom" || message.customType !== MESSAGE_TYPES.events) return;
    const token = (message.details as Partial<EventsMessageDetails> | undefined)?.token;
    const entry = token ? this.waiting.get(token) : undefined;
    if (!entry || entry.taken) return;
    entry.taken = true;
    entry.onTaken();
  }

  /** Wire to `agent_start`: a run began (a retry of a failed one, say): wait for its end. */
  onAgentStart(): void {
    for (const entry of this.waiting.values()) {
      if (entry.settling) clearInterval(entry.settling);
      entry.settling = undefined;
    }
  }

  /**
   * Wire to `agent_end` with the run's messages. A message not taken was dropped: its events go
   * back. One taken is delivered once the agent answered; a run that ended in an error before
   * that is a failure, unless Pi retries it.
   */
  onAgentEnd(messages: readonly unknown[] = []): void {
    const outcome = runOutcome(messages);
    for (const [token, entry] of this.waiting) {
      if (entry.taken && outcome.answered) entry.answered = true;
      if (!entry.taken || entry.answered || outcome.error === undefined) {
        this.waiting.delete(token);
        // After the handlers: Pi persists the run's last messages right after this event.
        setImmediate(() => entry.resolve(entry.taken ? { kind: "delivered" } : { kind: "not-taken" }));
        continue;
      }
      entry.errors.push(outcome.error);
      this.settle(token, entry);
    }
  }

  /** The session is ending: nothing more is delivered; untaken messages' events go back. */
  cancelAll(): void {
    for (const entry of this.waiting.values()) {
      if (entry.settling) clearInterval(entry.settling);
      if (entry.taken && !entry.answered && entry.errors.length > 0) entry.resolve(this.failure(entry));
      else entry.resolve(entry.taken ? { kind: "delivered" } : { kind: "not-taken" });
    }
    this.waiting.clear();
  }

  /** Waits while Pi may retry the failed run; resolves the delivery as failed once it will not. */
  private settle(token: string, entry: Waiting): void {
    const since = Date.now();
    const patience = settleMs(entry.errors.length);
    if (entry.settling) clearInterval(entry.settling);
    entry.settling = setInterval(() => {
      const retrying = this.options.isRetrying ? this.options.isRetrying() : Date.now() - since < patience;
      if (retrying) return;
      clearInterval(entry.settling);
      this.waiting.delete(token);
      entry.resolve(this.failure(entry));
    }, SETTLE_POLL_MS);
    entry.settling.unref();
  }

  private failure(entry: Waiting): DeliveryResult {
    return { kind: "failed", error: entry.errors.at(-1) ?? "the model call failed", runs: entry.errors.length };
  }
}
