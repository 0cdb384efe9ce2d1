import type { HousekeepingReport } from "../../bus/housekeeping.js";
import type { BusCounts } from "../../bus/maintenance.js";

/**
 * The start-up health assessment, or undefined when there is nothing worth saying. Expired
 * events are always reported (never silently dropped). Pure.
 */
export function healthReport(report: HousekeepingReport, counts: BusCounts): string | undefined {
  const lines: string[] = [];
  if (report.clearedStalePause) {
    const p = report.clearedStalePause.pause;
    lines.push(
      `- Cleared a stale pause by ${p.by}${p.reason ? ` ("${p.reason}")` : ""}, set ${Math.round(report.clearedStalePause.ageMs / 60_000)} min ago.`,
    );
  }
  if (report.endedHold && counts.pending > 0) {
    lines.push(
      `- Events held since ${report.endedHold.since} (${report.endedHold.cause}: ${report.endedHold.reason}) were kept, not expired: they are delivered now.`,
    );
  }
  if (report.expired.length > 0) {
    lines.push(
      `- ${report.expired.length} event${report.expired.length === 1 ? " was" : "s were"} too old to deliver as fresh and moved to \`.spark/events/expired/\` (\`manifest spark events requeue --all-expired\` delivers them).`,
    );
  }
  if (report.released > 0) lines.push(`- Put back ${report.released} event(s) claimed by an agent that is gone.`);
  if (report.removedAgents.length > 0)
    lines.push(`- Removed ${report.removedAgents.length} presence file(s) of agents that are gone.`);
  if (counts.rejected > 0) {
    lines.push(
      `- ${counts.rejected} rejected file(s) in \`.spark/events/rejected/\` (each with a reason): \`manifest spark events list --state rejected\`.`,
    );
  }
  if (lines.length === 0) return undefined;
  return [`Spark health at start-up (${counts.pending} pending):`, ...lines].join("\n");
}
