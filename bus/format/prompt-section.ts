import type { SparkEvent } from "../event-schema.js";
import type { EventGroup } from "../group.js";
import { describeEvent, errorHeadline } from "./describe.js";
import { clipBytes, dataBlock, inline } from "./untrusted.js";

/**
 * The parts of a batch message about one group. Every value from an event goes through
 * `inline` or `dataBlock` (untrusted.ts); every other word is ours. Each part says where its
 * values came from: the network (what an HTTP client sent), the app, or this machine.
 */

const LIMITS = {
  headlineBytes: 1024,
  stackLines: 25,
  stackBytes: 4096,
  tailLines: 30,
  tailBytes: 3072,
  inputBytes: 2048,
  extraBytes: 1536,
  ids: 5,
};

/** Fields the lines above show; anything else an event carries is shown as JSON. */
const SHOWN_FIELDS = new Set([
  "v",
  "id",
  "type",
  "traceId",
  "timestamp",
  "environment",
  "source",
  "feature",
  "route",
  "status",
  "error",
  "request",
  "command",
  "exitCode",
  "signal",
  "logFile",
  "tail",
  "fingerprint",
  "runId",
  "test",
]);

/** A failure, whole: heading, facts, the error, stack, input, output and the ids. */
export function problemSection(n: number, group: EventGroup, dir: string): string {
  const e = group.example;
  const lines: string[] = [`## ${n}. ${describeEvent(e, inline)}${times(group)}`, ""];
  lines.push(`- ${seen(group)}`);
  if (e.type === "server-error" && e.status !== undefined) lines.push(`- status: ${e.status}`);
  if (e.type === "process-error") lines.push(`- ${exitFact(e)}`);
  if (e.feature !== undefined) lines.push(`- feature: ${inline(e.feature)}`);
  if (e.command !== undefined) lines.push(`- command (this machine): ${inline(e.command)}`);
  if (e.logFile !== undefined) lines.push(`- log (this machine): ${inline(e.logFile)}`);
  if (e.environment !== undefined) lines.push(`- environment: ${inline(e.environment)}`);
  // A request's route and id are what its client sent; elsewhere they are the writer's.
  const network = e.type === "server-error" ? " (from the network)" : "";
  if (e.route !== undefined) lines.push(`- route${network}: ${inline(e.route)}`);
  if (e.traceId !== undefined) lines.push(`- trace id${network}: ${inline(e.traceId)}`);
  for (const run of group.runs ?? []) lines.push(`- ${runFact(run)}`);
  const blocks: string[] = [];
  if (e.error !== undefined) {
    blocks.push(dataBlock("Error (from the app)", errorHeadline(e), { maxBytes: LIMITS.headlineBytes }));
  }
  if (e.error?.stack !== undefined) {
    blocks.push(
      dataBlock("Stack (from the app)", e.error.stack, { maxBytes: LIMITS.stackBytes, maxLines: LIMITS.stackLines }),
    );
  }
  if (e.request?.input !== undefined) {
    blocks.push(
      dataBlock("Request input (from the network, redacted)", json(e.request.input), {
        maxBytes: LIMITS.inputBytes,
        lang: "json",
      }),
    );
  }
  const tail = e.tail ?? group.runs?.at(-1)?.tail;
  if (tail !== undefined) {
    blocks.push(
      dataBlock("Last lines of output (this machine)", tail, {
        maxBytes: LIMITS.tailBytes,
        maxLines: LIMITS.tailLines,
        keep: "tail",
      }),
    );
  }
  const extra = extraFields(e);
  if (extra) blocks.push(dataBlock("Other fields", json(extra), { maxBytes: LIMITS.extraBytes, lang: "json" }));
  for (const block of blocks) lines.push("", block);
  lines.push("", `Events: ${idList(group)} (files in ${inline(dir, 400)})`, "");
  return `${lines.join("\n")}\n`;
}

/** A failure in one line, for when the message has no room for its section. */
export function problemSummary(n: number, group: EventGroup): string {
  const e = group.example;
  const headline = e.error === undefined ? "" : `: ${inline(clipBytes(errorHeadline(e), 160), 100)}`;
  return `- ${n}. ${describeEvent(e, inline)}${times(group)}${headline} (newest: ${inline(e.id)})\n`;
}

/** A command that could not start: one line, a setup problem, not a bug in the code. */
export function setupLine(group: EventGroup): string {
  const e = group.example;
  const command = e.command === undefined ? "a command" : inline(e.command);
  const code = e.error?.code === undefined ? "" : `, ${inline(e.error.code)}`;
  return `- ${command} could not start (exit 127${code})${times(group)}, ${seen(group)}: check the command's name and that it is installed. Events: ${idList(group)}\n`;
}

/** Something that is not a failure: what it is, and (unless it is only a test) what it carries. */
export function noticeEntry(group: EventGroup, withFields: boolean): string {
  const e = group.example;
  const what =
    e.test === true
      ? `a test ${inline(e.type)} event from \`manifest spark emit\` (Spark's setup works)`
      : describeEvent(e, inline);
  const line = `- ${what}${times(group)}, ${seen(group)}. Events: ${idList(group)}\n`;
  const extra = e.test === true ? undefined : extraFields(e);
  if (!withFields || !extra) return line;
  return `${line}\n${dataBlock("Its fields", json(extra), { maxBytes: LIMITS.extraBytes, lang: "json" })}\n\n`;
}

function seen(group: EventGroup): string {
  return group.count > 1 ? `first seen ${group.firstSeen}, last seen ${group.lastSeen}` : `seen ${group.lastSeen}`;
}

function times(group: EventGroup): string {
  return group.count > 1 ? ` (×${group.count})` : "";
}

function exitFact(e: SparkEvent): string {
  return e.signal ? `signal: ${inline(e.signal)}` : `exit code: ${e.exitCode ?? "?"}`;
}

/** A `manifest run` report folded into its crash. */
function runFact(run: SparkEvent): string {
  const how = run.signal ? `was killed by ${inline(run.signal)}` : `exited with code ${run.exitCode ?? "?"}`;
  const log = run.logFile === undefined ? "" : `, log ${inline(run.logFile)}`;
  const command = run.command === undefined ? "the command" : inline(run.command);
  return `the same crash ended a \`manifest run\` (this machine): ${command} ${how}${log} (event ${inline(run.id)})`;
}

function idList(group: EventGroup): string {
  const ids = group.ids.slice(-LIMITS.ids).map((id) => inline(id));
  const more = group.ids.length > LIMITS.ids ? ` and ${group.ids.length - LIMITS.ids} earlier` : "";
  return `${ids.join(", ")}${more}`;
}

/** What an event carries beyond the protocol's fields (a generic event's message, say). */
function extraFields(e: SparkEvent): Record<string, unknown> | undefined {
  const extra = Object.fromEntries(Object.entries(e).filter(([key]) => !SHOWN_FIELDS.has(key)));
  return Object.keys(extra).length > 0 ? extra : undefined;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}
