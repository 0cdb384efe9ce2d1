import { eventKind } from "../event-kind.js";
import type { EventGroup } from "../group.js";
import { noticeEntry, problemSection, problemSummary, setupLine } from "./prompt-section.js";
import { byteLength, clipBytes, inline } from "./untrusted.js";

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

/** Room kept for the closing line that counts what did not fit. */
const FOOTER_ROOM = 400;
/**
 * Share of the cap that whole sections leave free while more failures wait, so a storm still
 * lists other problems one line each instead of ending at the last section that fitted.
 */
const SUMMARY_SHARE = 0.2;

/**
 * The one message a batch becomes. Failures first, one section each with its count, first and
 * last seen, the newest example whole and its ids; then commands that could not start, one
 * line each; then what is not a failure at all, never presented as a problem. Fits in
 * `maxBytes`; whatever does not fit is counted and points at the files. Every value from an
 * event is quoted as data (untrusted.ts): nothing in it can add a heading, a list item or an
 * instruction. Pure.
 */
export function formatBatchPrompt(groups: readonly EventGroup[], options: PromptOptions = {}): string {
  const maxBytes = options.maxBytes ?? 16 * 1024;
  const dir = options.deliveredDir ?? ".spark/events/delivered";
  const failures = groups.filter((g) => eventKind(g.example) === "failure");
  const setup = groups.filter((g) => eventKind(g.example) === "setup");
  const notices = groups.filter((g) => eventKind(g.example) === "notice");
  const total = groups.reduce((n, g) => n + eventsIn(g), 0);

  const counts = [plural(failures.length, "problem", "problems")];
  if (setup.length > 0)
    counts.push(plural(setup.length, "command that could not start", "commands that could not start"));
  if (notices.length > 0) counts.push(plural(notices.length, "notice", "notices"));
  const head: string[] = [`# ⚡ Spark: ${plural(total, "event", "events")} (${counts.join(", ")})`, ""];
  if (failures.length === 0) {
    head.push(
      setup.length > 0
        ? "No failure in the code here: say in one line what to set up, and change no code for it."
        : "Nothing here is a failure: acknowledge it in one line and change nothing.",
      "",
    );
  }
  if (options.intro) head.push(options.intro.trim(), "");
  if (options.held) {
    head.push(
      `> Held since ${inline(options.held.since)} (${inline(options.held.cause)}). Some of these may no longer be relevant: check the current code before acting.`,
      "",
    );
  }

  let out = `${head.join("\n")}\n`;
  const fits = (text: string) => byteLength(out) + byteLength(text) + FOOTER_ROOM <= maxBytes;
  const left = new Set(groups);
  const take = (group: EventGroup, text: string) => {
    out += text;
    left.delete(group);
  };

  const summaryRoom = Math.floor(maxBytes * SUMMARY_SHARE);
  const fitsWhole = (text: string, isLast: boolean) =>
    byteLength(out) + byteLength(text) + FOOTER_ROOM + (isLast ? 0 : summaryRoom) <= maxBytes;
  let summarising = false;
  for (const [index, group] of failures.entries()) {
    const full = summarising ? undefined : problemSection(index + 1, group, dir);
    if (full !== undefined && fitsWhole(full, index === failures.length - 1)) {
      take(group, full);
      continue;
    }
    const short = `${summarising ? "" : "\n## More problems (details in the event files)\n\n"}${problemSummary(index + 1, group)}`;
    if (!fits(short)) break;
    summarising = true;
    take(group, short);
  }
  appendList(
    setup,
    `${out.endsWith("\n\n") ? "" : "\n"}## Could not start (a setup problem, not a bug in the code)\n\n`,
    (g) => [setupLine(g)],
    fits,
    take,
  );
  appendList(
    notices,
    `${out.endsWith("\n\n") ? "" : "\n"}## Not failures (nothing to fix)\n\n`,
    (g) => [noticeEntry(g, true), noticeEntry(g, false)],
    fits,
    take,
  );

  if (left.size > 0) {
    const rest = [...left];
    const restEvents = rest.reduce((n, g) => n + eventsIn(g), 0);
    out += `\n…and ${plural(rest.length, "more group", "more groups")} (${plural(restEvents, "event", "events")}) not shown here: read the files in ${inline(dir, 400)}.\n`;
  }
  // Only an intro longer than the cap gets here: what is cut is our own text.
  return clipBytes(out, maxBytes);
}

/**
 * Appends a titled list, each group in the first form that fits (its fuller form first).
 * Stops at the first group that fits in no form: the footer counts the rest.
 */
function appendList(
  groups: readonly EventGroup[],
  title: string,
  forms: (group: EventGroup) => string[],
  fits: (text: string) => boolean,
  take: (group: EventGroup, text: string) => void,
): void {
  let titled = false;
  for (const group of groups) {
    const prefix = titled ? "" : title;
    const form = forms(group).find((text) => fits(prefix + text));
    if (form === undefined) return;
    take(group, prefix + form);
    titled = true;
  }
}

/** Events a group stands for, the `manifest run` reports folded into it included. */
function eventsIn(group: EventGroup): number {
  return group.count + (group.runs?.length ?? 0);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
