import { randomBytes } from "node:crypto";
import type { ExtensionAPI, ExtensionContext } from "@mariozechner/pi-coding-agent";
import { MESSAGE_TYPES } from "./context.js";

/** What travels in the `details` of a Spark events message (never sent to the model). */
export interface EventsMessageDetails {
  ids: string[];
  held: { since: string; cause: string } | null;
  /** Ties the message to the delivery waiting for it. */
  token: string;
}

interface Waiting {
  /** Pi took the message into the conversation (its `message_end` came). */
  taken: boolean;
  onTaken: () => void;
  resolve: (delivered: boolean) => void;
}

/**
 * Sends Spark's event messages and says when their events may be acked.
 *
 * Pi's `sendMessage` returns nothing, and a session file is only written once it holds an
 * assistant message: a message is *durable* at the end of the run it started, not when it
 * starts. So: `onTaken` runs at the message's `message_end` (the caller records the event ids
 * in the session there; Pi writes that entry with the message, or neither), and the delivery
 * resolves at `agent_end`: true if the message was taken, false if the run ended without
 * taking it (an abort or a model error drops queued follow-ups; the events then go back).
 */
export class Delivery {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly pi: ExtensionAPI,
    private readonly ctx: ExtensionContext,
  ) {}

  /** Whether a message is out and its run has not ended. */
  get pending(): boolean {
    return this.waiting.size > 0;
  }

  /** Sends one events message; resolves once its run has ended: true when it was delivered. */
  send(content: string, ids: string[], held: EventsMessageDetails["held"], onTaken: () => void): Promise<boolean> {
    const token = randomBytes(6).toString("hex");
    const done = new Promise<boolean>((resolve) => this.waiting.set(token, { taken: false, onTaken, resolve }));
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

  /**
   * Wire to `agent_end`: every message taken is delivered. One not taken was dropped (an
   * abort or a model error ends a run without draining its follow-ups): its events go back.
   */
  onAgentEnd(): void {
    for (const entry of this.waiting.values()) {
      // After the handlers: Pi persists the run's last messages right after this event.
      setImmediate(() => entry.resolve(entry.taken));
    }
    this.waiting.clear();
  }

  /** The session is ending: nothing more is delivered; untaken messages' events go back. */
  cancelAll(): void {
    for (const entry of this.waiting.values()) entry.resolve(entry.taken);
    this.waiting.clear();
  }
}
