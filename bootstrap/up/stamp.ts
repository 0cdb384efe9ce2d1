import * as z from "zod/mini";

/**
 * The stamp `up` keeps in the Sprite (`.spark/sprite-stamp.json`): for each step that has
 * content, the hash of what it last put there. A step whose wanted hash matches, and whose
 * work the Sprite still shows, is skipped; a step that failed never wrote its hash, so the
 * next `up` does it again. Pure.
 */

/** The steps whose result a hash describes. */
export const STAMPED_STEPS = ["code", "package", "layout", "model", "bridge", "app"] as const;
export type StampedStep = (typeof STAMPED_STEPS)[number];

const stampSchema = z.object({
  v: z.literal(1),
  updatedAt: z.string(),
  steps: z.partialRecord(z.enum(STAMPED_STEPS), z.string()),
  /** Sent files that `spark init` changed in the Sprite, with the blob id sent: sending another redoes the layout. */
  layoutTouched: z._default(z.record(z.string(), z.string()), {}),
  versions: z._default(
    z.object({ spark: z.optional(z.string()), pi: z.optional(z.string()), node: z.optional(z.string()) }),
    {},
  ),
});

export type SpriteStamp = z.infer<typeof stampSchema>;

/** A stamp with nothing done. */
export function emptyStamp(): SpriteStamp {
  return { v: 1, updatedAt: new Date(0).toISOString(), steps: {}, layoutTouched: {}, versions: {} };
}

/** The stamp in `value` (parsed JSON), or undefined when it is not one (then every step is redone). */
export function parseStamp(value: unknown): SpriteStamp | undefined {
  const parsed = stampSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The stamp as the file holds it. */
export function formatStamp(stamp: SpriteStamp): string {
  return `${JSON.stringify(stamp, null, 2)}\n`;
}

/** Whether files `spark init` had adjusted arrive (or go) with other content, so init must run again. Pure. */
export function layoutUndone(touched: Readonly<Record<string, string>>, sent: ReadonlyMap<string, string>): boolean {
  return Object.entries(touched).some(([path, blob]) => sent.get(path) !== blob);
}
