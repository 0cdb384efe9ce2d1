/** The shortest `--every`: a faster loop is a busy loop, not a schedule. */
export const MIN_EVERY_MS = 1000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `30s`, `5m`, `1h`, `1h30m`, `1.5h` or `500ms` into milliseconds.
 * Returns undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (UNITS[unit as string] as number);
  }
  return Number.isFinite(total) && total > 0 ? Math.round(total) : undefined;
}

/** "30s", "5m", "1h30m": a duration as people write it. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("");
}

/**
 * When the next run of a schedule starts: the first slot of the grid `slot + k × every`
 * (k ≥ 1) that is not in the past. Runs never overlap: slots missed while a long run went
 * on are skipped, as cron skips them. `slot` is the previous run's slot, not its actual
 * start, so timer lateness does not drift the grid.
 */
export function nextRunAt(slot: number, everyMs: number, now: number): number {
  const k = Math.max(1, Math.ceil((now - slot) / everyMs));
  return slot + k * everyMs;
}
