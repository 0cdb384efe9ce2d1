import type { SparkEvent } from "../event-schema.js";
import type { EventGroup } from "../group.js";
import { describeEvent, errorHeadline } from "./describe.js";

export interface PromptOptions {
  /** Cap on the whole message in bytes (default 16 KiB). */
  maxBytes?: number;
  /** Instructions placed after the heading: what the agent should do with these events. */
  intro?: string;
  /** When the events were held by a pause: since when, and why. */
  held?: { since: string; cause: string } | undefined;
  /** Folder that holds the event files once delivered, as the agent should see it. */
  deliveredDir?: string;
}

const SECTION_LIMITS = {
  stackLines: 25,
  stackBytes: 4096,
  tailLines: 30,
  tailBytes: 3072,
  inputBytes: 2048,
  extraBytes: 1536,
  ids: 5,
};

/** Fields every event shows through the lines above; anything else is shown as JSON. */
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
]);

/** What an event carries beyond the protocol's fields (a generic event's message, say). */
function extraFields(e: SparkEvent): Record<string, unknown> | undefined {
  const extra = Object.fromEntries(Object.entries(e).filter(([key]) => !SHOWN_FIELDS.has(key)));
  return Object.keys(extra).length > 0 ? extra : undefined;
}

/**
 * The one message a batch becomes: one section per problem with its count, first/last seen,
 * the newest example whole and the ids of all its events. Fits in `maxBytes`; whatever does
 * not fit is summarised by count and points at the files. Pure.
 */
export function formatBatchPrompt(groups: readonly EventGroup[], options: PromptOptions = {}): string {
  const maxBytes = options.maxBytes ?? 16 * 1024;
  const dir = options.deliveredDir ?? ".spark/events/delivered";
  const total = groups.reduce((n, g) => n + g.count, 0);
  const head: string[] = [`# ⚡ Spark: ${plural(total, "event")} (${plural(groups.length, "problem")})`, ""];
  if (options.intro) head.push(options.intro.trim(), "");
  if (options.held) {
    head.push(
      `> Held since ${options.held.since} (${options.held.cause}). Some of these may no longer be relevant: check the current code before acting.`,
      "",
    );
  }
  let out = `${head.join("\n")}\n`;
  const footerRoom = 400;
  let shown = 0;
  for (const [index, group] of groups.entries()) {
    const full = formatSection(index + 1, group, dir);
    if (bytes(out) + bytes(full) + footerRoom <= maxBytes) {
      out += full;
      shown++;
      continue;
    }
    const short = `- ${index + 1}. ${summaryLine(group)}\n`;
    if (bytes(out) + bytes(short) + footerRoom > maxBytes) break;
    if (shown === index) out += "\n## More problems (details in the event files)\n";
    out += short;
    shown++;
  }
  if (shown < groups.length) {
    const rest = groups.slice(shown);
    const restEvents = rest.reduce((n, g) => n + g.count, 0);
    out += `\n…and ${plural(rest.length, "more problem")} (${plural(restEvents, "event")}) not shown here: read the files in \`${dir}/\`.\n`;
  }
  return clipBytes(out, maxBytes);
}

function formatSection(n: number, group: EventGroup, dir: string): string {
  const e = group.example;
  const lines: string[] = [`## ${n}. ${describeEvent(e)}${group.count > 1 ? ` (×${group.count})` : ""}`, ""];
  const facts: string[] = [];
  if (group.count > 1) facts.push(`first seen ${group.firstSeen}, last seen ${group.lastSeen}`);
  else facts.push(`seen ${group.lastSeen}`);
  if (e.feature) facts.push(`feature: \`${e.feature}\``);
  if (e.route) facts.push(`route: \`${e.route}\``);
  if (e.status !== undefined) facts.push(`status: ${e.status}`);
  if (e.command) facts.push(`command: \`${e.command}\``);
  if (e.type === "process-error") facts.push(e.signal ? `signal: ${e.signal}` : `exit code: ${e.exitCode ?? "?"}`);
  if (e.logFile) facts.push(`log: \`${e.logFile}\``);
  if (e.traceId) facts.push(`trace id: \`${e.traceId}\``);
  if (e.environment) facts.push(`environment: ${e.environment}`);
  lines.push(...facts.map((f) => `- ${f}`));
  const headline = errorHeadline(e);
  // Quoted from the failing app: fenced, so it reads as data, never as instructions.
  if (headline) lines.push("", "Error:", fence(clipBytes(headline, 1024)));
  if (e.error?.stack)
    lines.push(
      "",
      "Stack:",
      fence(limitLines(e.error.stack, SECTION_LIMITS.stackLines, SECTION_LIMITS.stackBytes, "head")),
    );
  if (e.request?.input !== undefined) {
    lines.push(
      "",
      "Request input (redacted):",
      fence(clipBytes(JSON.stringify(e.request.input, null, 2), SECTION_LIMITS.inputBytes), "json"),
    );
  }
  if (e.tail)
    lines.push(
      "",
      "Last lines of output:",
      fence(limitLines(e.tail, SECTION_LIMITS.tailLines, SECTION_LIMITS.tailBytes, "tail")),
    );
  const extra = extraFields(e);
  if (extra) {
    lines.push(
      "",
      "Other fields:",
      fence(clipBytes(JSON.stringify(extra, null, 2), SECTION_LIMITS.extraBytes), "json"),
    );
  }
  const ids = group.ids.slice(-SECTION_LIMITS.ids).map((id) => `\`${id}\``);
  const more = group.ids.length > SECTION_LIMITS.ids ? ` and ${group.ids.length - SECTION_LIMITS.ids} earlier` : "";
  lines.push("", `Events: ${ids.join(", ")}${more} (files in \`${dir}/\`)`, "");
  return `${lines.join("\n")}\n`;
}

function summaryLine(group: EventGroup): string {
  const e: SparkEvent = group.example;
  const headline = errorHeadline(e);
  return `${describeEvent(e)}${group.count > 1 ? ` ×${group.count}` : ""}${headline ? `: ${clipBytes(headline, 160)}` : ""} (newest: \`${e.id}\`)`;
}

function limitLines(text: string, maxLines: number, maxBytes: number, keep: "head" | "tail"): string {
  const all = text.replace(/\n+$/, "").split("\n");
  const kept = keep === "head" ? all.slice(0, maxLines) : all.slice(-maxLines);
  const cut = all.length - kept.length;
  const body = clipBytes(kept.join("\n"), maxBytes);
  if (cut === 0) return body;
  return keep === "head" ? `${body}\n… ${cut} more lines` : `… ${cut} earlier lines\n${body}`;
}

/** A code fence longer than any backtick run inside `body`. */
function fence(body: string, lang = ""): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function bytes(text: string): number {
  return Buffer.byteLength(text);
}

function clipBytes(text: string, max: number): string {
  if (bytes(text) <= max) return text;
  const marker = "…";
  return `${Buffer.from(text)
    .subarray(0, max - bytes(marker))
    .toString("utf8")
    .replace(/\uFFFD+$/, "")}${marker}`;
}
