import { EVENT_STATES, type EventState } from "../bus/browse.js";
import { EVENT_TYPE_PATTERN } from "../bus/event-name.js";
import { usageError } from "./_errors.js";

/** Parses `--state` (`rejected`, `rejected,expired`, `all`); `fallback` when absent. Throws a usage error. */
export function parseStates(value: string | undefined, fallback: readonly EventState[]): EventState[] {
  if (value === undefined || value.trim() === "") return [...fallback];
  const parts = value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.includes("all")) return [...EVENT_STATES];
  const bad = parts.filter((p) => !(EVENT_STATES as readonly string[]).includes(p));
  if (bad.length > 0 || parts.length === 0) {
    throw usageError(
      `Unknown state "${bad.join(",") || value}".`,
      `Use one of ${EVENT_STATES.join(", ")}, a comma list of them, or all.`,
    );
  }
  // Folder order, whatever order they were given in.
  return EVENT_STATES.filter((s) => parts.includes(s));
}

/** Parses a positive whole number option such as `--limit`. Throws a usage error. */
export function parseCount(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw usageError(`--${name} must be a whole number of at least 1, got "${value}".`);
  }
  return Number(value);
}

/** Parses `--type`. Throws a usage error for a name no event can have. */
export function parseType(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!EVENT_TYPE_PATTERN.test(value)) {
    throw usageError(`"${value}" is not an event type.`, "Use lower-case kebab-case, e.g. server-error.");
  }
  return value;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30s`, `10m`, `2h`, `7d`, `1w` → milliseconds. Throws a usage error. */
export function parseDuration(value: string, name = "older-than"): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(value.trim());
  const unit = m?.[2] !== undefined ? UNITS[m[2]] : undefined;
  if (!m || unit === undefined) {
    throw usageError(`--${name} takes a duration like 30m, 12h or 7d, got "${value}".`);
  }
  return Math.round(Number(m[1]) * unit);
}
