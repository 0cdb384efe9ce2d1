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

/**
 * Sends Spark's event messages and tells when Pi has taken each one into the session.
 * `pi.sendMessage` returns nothing; the message's `message_end` is the moment Pi persists
 * it (right after the extension handlers run), so only then may its events be acked.
 * A message queued as a follow-up is taken when the current run ends; until then its events
 * stay claimed, and a crash in between puts them back on the bus.
 */
export class Delivery {
  private readonly waiting = new Map<string, (accepted: boolean) => void>();

  constructor(
    private readonly pi: ExtensionAPI,
    private readonly ctx: ExtensionContext,
  ) {}

  /** Sends one events message; resolves true once it is in the session, false if the session ends first. */
  send(content: string, ids: string[], held: EventsMessageDetails["held"]): Promise<boolean> {
    const token = randomBytes(6).toString("hex");
    const accepted = new Promise<boolean>((resolve) => this.waiting.set(token, resolve));
    const details: EventsMessageDetails = { ids, held, token };
    this.pi.sendMessage(
      { customType: MESSAGE_TYPES.events, content, display: true, details },
      this.ctx.isIdle() ? { triggerTurn: true } : { deliverAs: "followUp" },
    );
    return accepted;
  }

  /** Wire to `message_end`: resolves the delivery whose message just ended. */
  onMessageEnd(message: { role: string; customType?: string; details?: unknown }): void {
    if (message.role !== "custom" || message.customType !== MESSAGE_TYPES.events) return;
    const token = (message.details as Partial<EventsMessageDetails> | undefined)?.token;
    const resolve = token ? this.waiting.get(token) : undefined;
    if (!token || !resolve) return;
    this.waiting.delete(token);
    // Pi persists the message right after the handlers of this event return.
    setImmediate(() => resolve(true));
  }

  /** The session is ending: every message not yet taken is given up (its events go back). */
  cancelAll(): void {
    for (const resolve of this.waiting.values()) resolve(false);
    this.waiting.clear();
  }
}
