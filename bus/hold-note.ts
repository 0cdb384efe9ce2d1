import { join } from "node:path";
import * as z from "zod/mini";
import type { BusPaths } from "./paths.js";
import { ensurePrivateDir, readJsonRecord, unlinkIfExists, writeFileAtomic } from "./secure-fs.js";

/**
 * `.spark/held`: a consumer that sees events but cannot deliver them (a watch-only sidecar, with
 * no model) notes that it holds them, and until when. The note outlives the process: the restart
 * that the watch-only message asks for must deliver what was held, not expire it, so expiry
 * counts an event's age from the end of that hold.
 */
const holdNoteSchema = z.looseObject({
  cause: z.string(),
  reason: z.string(),
  /** The consumer that held the events (its presence id). */
  by: z.string(),
  /** When this hold began (ISO). */
  since: z.iso.datetime({ offset: true }),
  /** The last time the holder was seen holding (ISO). */
  until: z.iso.datetime({ offset: true }),
});

/** The body of `.spark/held`. */
export type HoldNote = z.output<typeof holdNoteSchema>;

const NOTE_MAX_BYTES = 4096;

/** Where the note lives. */
export function holdNotePath(paths: BusPaths): string {
  return join(paths.spark, "held");
}

/** Reads the note; a missing, foreign or broken file is no note (expiry then works as usual). */
export function readHoldNote(paths: BusPaths): HoldNote | undefined {
  return readJsonRecord(holdNotePath(paths), holdNoteSchema, NOTE_MAX_BYTES);
}

/** Notes (or extends) a hold: `since` is kept from a note already there, `until` becomes now. */
export function noteHold(
  paths: BusPaths,
  input: { cause: string; reason: string; by: string; now?: number | undefined },
): HoldNote {
  const now = new Date(input.now ?? Date.now()).toISOString();
  const note: HoldNote = {
    cause: input.cause,
    reason: input.reason,
    by: input.by,
    since: readHoldNote(paths)?.since ?? now,
    until: now,
  };
  ensurePrivateDir(paths.spark);
  writeFileAtomic(holdNotePath(paths), `${JSON.stringify(note, null, 2)}\n`);
  return note;
}

/** Removes the note (a consumer that can deliver has started). */
export function clearHoldNote(paths: BusPaths): boolean {
  return unlinkIfExists(holdNotePath(paths));
}

/**
 * When an event's expiry clock starts: its own time, or the end of a hold it waited through
 * (an event written before `heldUntil` was held, so its wait only counts from then). Pure.
 */
export function expiryClockStart(eventTime: number, heldUntil: number | undefined): number {
  return heldUntil !== undefined && eventTime < heldUntil ? heldUntil : eventTime;
}
