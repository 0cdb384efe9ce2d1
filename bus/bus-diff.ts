import type { BusEntry, EventState } from "./browse.js";

/** What changed on the bus between two listings. */
export type BusChange =
  /** A name not seen before (or forgotten since). */
  | { kind: "appeared"; entry: BusEntry }
  /** A known name now in another folder (or, for claims, held by another consumer). */
  | { kind: "moved"; entry: BusEntry; from: EventState }
  /** A name missing from two listings in a row: deleted (retention, purge), not moved. */
  | { kind: "gone"; name: string; from: EventState };

/** Remembers where every name was, to tell what changed in the next listing. */
export interface BusDiff {
  /** Takes a full listing (see `listEntries`) and returns what changed since the last one. */
  update(listing: readonly BusEntry[]): BusChange[];
  /** How many names it remembers (all present ones, plus those missing from the last listing). */
  size(): number;
}

/**
 * Diffs successive listings. It remembers only what is on disk now (one entry per name,
 * nothing from the files), so its memory follows the folders, not how long it ran.
 *
 * A listing reads one folder after another, so a file moving against that order (a release
 * from `claimed/`, a requeue into `events/`) can be missing from one listing although it
 * was never deleted. A missing name is therefore kept for one more listing before it is
 * reported gone; if it turns up, it is a move. Pure.
 */
export function createBusDiff(): BusDiff {
  let known = new Map<string, BusEntry>();
  let missing = new Map<string, BusEntry>();
  return {
    update(listing) {
      // Later sightings win: a file seen in two folders moved during the listing.
      const now = new Map<string, BusEntry>();
      for (const entry of listing) now.set(entry.name, entry);
      const changes: BusChange[] = [];
      for (const [name, entry] of now) {
        const before = known.get(name) ?? missing.get(name);
        if (!before) changes.push({ kind: "appeared", entry });
        else if (before.state !== entry.state || before.consumer !== entry.consumer) {
          changes.push({ kind: "moved", entry, from: before.state });
        }
      }
      const stillMissing = new Map<string, BusEntry>();
      for (const [name, entry] of known) if (!now.has(name)) stillMissing.set(name, entry);
      for (const [name, entry] of missing) {
        if (!now.has(name)) changes.push({ kind: "gone", name, from: entry.state });
      }
      known = now;
      missing = stillMissing;
      return changes;
    },
    size: () => known.size + missing.size,
  };
}
