import { defineCommand } from "citty";
import { type BusEntry, entryWrittenAt, listEntries, shortId } from "../../bus/browse.js";
import { liveAgents } from "../../bus/presence.js";
import { requeueEntry } from "../../bus/requeue.js";
import { jsonArg } from "../_args.js";
import { EXIT, usageError } from "../_errors.js";
import { findEntry } from "../_event-find.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** `manifest spark events requeue <id…> | --all-rejected | --all-expired [--force]` (ids may be delivered events too). */
export const eventsRequeueCommand = defineCommand({
  meta: {
    name: "requeue",
    description:
      "Put rejected or expired events back in the queue after a fix, or a delivered one for a second look (same name, same place in line)",
  },
  args: {
    id: { type: "positional", required: false, description: "Event ids, unique prefixes or short ids" },
    "all-rejected": { type: "boolean", description: "Requeue every rejected file" },
    "all-expired": { type: "boolean", description: "Requeue every expired event" },
    force: { type: "boolean", description: "Requeue files that are still invalid (they will be rejected again)" },
    ...jsonArg,
  },
  run({ args }) {
    const ids = args._.map(String);
    const allRejected = Boolean(args["all-rejected"]);
    const allExpired = Boolean(args["all-expired"]);
    if (ids.length === 0 && !allRejected && !allExpired) {
      throw usageError(
        "Say which events to requeue.",
        "Give their ids (see `manifest spark events`), or --all-rejected / --all-expired.",
      );
    }
    const out = createOutput(Boolean(args.json));
    const { paths, config } = projectConfig();
    const entries = listEntries(paths);
    // Resolve every id before moving anything: a typo must not leave half the job done.
    const targets = new Map<string, BusEntry>();
    for (const id of ids) {
      const entry = findEntry(entries, id, ["rejected", "expired", "delivered"]);
      targets.set(entry.name, entry);
    }
    for (const entry of entries) {
      if ((allRejected && entry.state === "rejected") || (allExpired && entry.state === "expired")) {
        targets.set(entry.name, entry);
      }
    }

    const requeued: { id: string; name: string; from: string; entry: BusEntry }[] = [];
    const refused: { id: string; name: string; state: string; reason: string }[] = [];
    for (const entry of targets.values()) {
      const result = requeueEntry(paths, entry, { force: Boolean(args.force) });
      if (result.ok) requeued.push({ id: entry.id, name: result.name, from: entry.state, entry });
      else refused.push({ id: entry.id, name: entry.name, state: entry.state, reason: result.reason });
    }
    out.document({
      ok: refused.length === 0,
      requeued: requeued.map(({ id, name, from }) => ({ id, name, from })),
      refused,
    });

    const { green, red, dim } = out.style;
    if (targets.size === 0) out.line("Nothing to requeue.");
    for (const r of requeued) out.line(`${green("↺")} requeued ${shortId(r)} ${dim(`(was ${r.from}, now pending)`)}`);
    for (const r of refused) out.line(`${red("✖")} ${shortId(r)} stays ${r.state}: ${r.reason}`);
    if (refused.some((r) => r.state === "rejected" || r.state === "expired")) {
      out.line(
        dim(
          "  Fix the file (`manifest spark events show <id>` shows it) and requeue again, or add --force to requeue it as it is.",
        ),
      );
    }
    warnAboutExpiry(
      out,
      requeued.map((r) => r.entry),
      config.events.expireMinutes,
      () => liveAgents(paths).some((a) => a.role === "sidecar"),
    );
    return refused.length === 0 ? EXIT.ok : EXIT.failure;
  },
});

/**
 * Requeued events keep their name, and so their age: a consumer that starts later would
 * expire them again. Say so when nothing is running to deliver them now.
 */
function warnAboutExpiry(
  out: ReturnType<typeof createOutput>,
  requeued: readonly BusEntry[],
  expireMinutes: number,
  sidecarAlive: () => boolean,
): void {
  if (expireMinutes <= 0 || requeued.length === 0) return;
  const now = Date.now();
  const old = requeued.filter((e) => now - (entryWrittenAt(e) ?? now) > expireMinutes * 60_000);
  if (old.length === 0 || sidecarAlive()) return;
  out.note(
    `${out.style.yellow("!")} ${old.length} requeued event(s) are older than events.expireMinutes (${expireMinutes}): a sidecar that starts later expires them again.\n  Start one now (\`manifest sidecar\`) or hand them to Pi with /spark.`,
  );
}
