/** How long ago, in one unit: "3s", "5m", "2h", "4d" (rounded; never negative). */
export function shortAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86_400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/** "3s ago", "5m ago", "2h ago", "4d ago". */
export function ago(ms: number): string {
  return `${shortAge(ms)} ago`;
}
