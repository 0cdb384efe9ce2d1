import { join } from "node:path";
import * as z from "zod/mini";
import { LIMITS } from "./limits.js";
import { type BusPaths, claimDir } from "./paths.js";
import { releaseClaimed } from "./queue.js";
import { redactText } from "./redact.js";
import { rejectFile } from "./reject.js";
import { readRegularFile, writeFileAtomic } from "./secure-fs.js";

/**
 * `delivery` in an event file: the runs it was given to that ended in an error before an agent
 * answered. Kept in the event itself, so the count survives restarts and other consumers.
 */
const attemptsSchema = z.looseObject({
  attempts: z.int().check(z.gte(1)),
  lastError: z.string(),
  lastAttemptAt: z.string(),
});

/** The failed delivery attempts an event carries. */
export type DeliveryAttempts = z.output<typeof attemptsSchema>;

/** The failed attempts recorded in an event, if any. Pure. */
export function attemptsOf(event: Readonly<Record<string, unknown>>): DeliveryAttempts | undefined {
  const parsed = attemptsSchema.safeParse(event.delivery);
  return parsed.success ? parsed.data : undefined;
}

/** What happened to each event of a failed delivery. */
export interface FailedDeliveryReport {
  /** Put back in `events/` with one more attempt recorded: delivered again later. */
  released: string[];
  /** Moved to `rejected/`: the attempts ran out. */
  rejected: string[];
  /** The attempt this was (the highest among the events). */
  attempt: number;
}

/**
 * A delivery failed (the run ended in an error before an agent answered): each claimed event
 * gets the attempt recorded (the error redacted) and goes back to `events/` for a later try, or,
 * at `maxAttempts`, to `rejected/` with the reason. Never acked.
 */
export function recordFailedDelivery(
  paths: BusPaths,
  consumerId: string,
  names: readonly string[],
  input: { error: string; maxAttempts: number; now?: number },
): FailedDeliveryReport {
  const error = redactText(input.error).slice(0, 500);
  const at = new Date(input.now ?? Date.now()).toISOString();
  const report: FailedDeliveryReport = { released: [], rejected: [], attempt: 0 };
  const back: string[] = [];
  for (const name of names) {
    const path = join(claimDir(paths, consumerId), name);
    const body = readBody(path);
    if (body === undefined) {
      // Unreadable now (it was valid when claimed): put it back as it is; a claim rejects it.
      back.push(name);
      continue;
    }
    const attempts = (attemptsOf(body)?.attempts ?? 0) + 1;
    report.attempt = Math.max(report.attempt, attempts);
    const delivery: DeliveryAttempts = { attempts, lastError: error, lastAttemptAt: at };
    // Staged in .tmp/ (same filesystem): the claim folder only ever holds whole events.
    writeFileAtomic(path, JSON.stringify({ ...body, delivery }), paths.tmp);
    if (attempts >= input.maxAttempts) {
      const reason = `delivery failed ${attempts} time${attempts === 1 ? "" : "s"}: each run ended in an error before an agent answered (last: ${error}). Fix the model or its provider, then \`manifest spark events requeue\` it.`;
      rejectFile(paths, path, name, reason, consumerId);
      report.rejected.push(name);
    } else {
      back.push(name);
    }
  }
  releaseClaimed(paths, consumerId, back);
  report.released.push(...back);
  return report;
}

function readBody(path: string): Record<string, unknown> | undefined {
  const read = readRegularFile(path, LIMITS.readerMaxBytes);
  if (!read.ok) return undefined;
  try {
    const body: unknown = JSON.parse(read.bytes.toString("utf8"));
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
