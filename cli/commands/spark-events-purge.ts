import { defineCommand } from "citty";
import { listEntries } from "../../bus/browse.js";
import { deleteEntry, PURGEABLE_BY_DEFAULT, selectForPurge } from "../../bus/purge.js";
import { jsonArg } from "../_args.js";
import { confirm } from "../_confirm.js";
import { CliError, EXIT } from "../_errors.js";
import { parseDuration, parseStates } from "../_event-args.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";

/** `manifest spark events purge [--state …] [--older-than <dur>] [--yes]`. */
export const eventsPurgeCommand = defineCommand({
  meta: {
    name: "purge",
    description: "Delete delivered, rejected and expired event files (asks first; --yes when not on a terminal)",
  },
  args: {
    state: {
      type: "string",
      description: "States to delete (default delivered,rejected,expired; pending or claimed only when named)",
    },
    "older-than": { type: "string", description: "Only events written longer ago than this: 30m, 12h, 7d, 2w" },
    yes: { type: "boolean", alias: "y", description: "Delete without asking" },
    ...jsonArg,
  },
  async run({ args }) {
    const states = parseStates(args.state, PURGEABLE_BY_DEFAULT);
    const olderThan = args["older-than"];
    const olderThanMs = olderThan ? parseDuration(olderThan) : undefined;
    const out = createOutput(Boolean(args.json));
    const { paths } = projectConfig();
    const unique = new Map(listEntries(paths, states).map((e) => [e.name, e]));
    const chosen = selectForPurge([...unique.values()], {
      states,
      ...(olderThanMs !== undefined ? { olderThanMs } : {}),
    });
    if (chosen.length === 0) {
      out.document({ ok: true, deleted: [], count: 0 });
      out.line(`Nothing to purge (${states.join(", ")}${olderThan ? `, older than ${olderThan}` : ""}).`);
      return EXIT.ok;
    }

    if (!args.yes) {
      const live = chosen.filter((e) => e.state === "pending" || e.state === "claimed").length;
      const what = `${chosen.length} file${chosen.length === 1 ? "" : "s"} (${countByState(chosen)})`;
      if (!process.stdin.isTTY) {
        throw new CliError(
          `Not deleting ${what} without confirmation: stdin is not a terminal.`,
          "E_CONFIRM",
          "Add --yes to delete them.",
          EXIT.failure,
        );
      }
      const warning = live > 0 ? ` ${live} of them no agent has seen yet.` : "";
      if (!(await confirm(`Delete ${what}?${warning}`))) {
        throw new CliError("Nothing deleted.", "E_DECLINED", undefined, EXIT.failure);
      }
    }

    const deleted = chosen.filter((entry) => deleteEntry(paths, entry));
    out.document({
      ok: true,
      deleted: deleted.map((e) => ({ id: e.id, name: e.name, state: e.state })),
      count: deleted.length,
    });
    for (const e of deleted) out.line(`${out.style.red("✖")} deleted ${e.state.padEnd(9)} ${e.id}`);
    out.line(`Deleted ${deleted.length} file${deleted.length === 1 ? "" : "s"}.`);
    const left = chosen.length - deleted.length;
    if (left > 0) {
      out.note(
        `${out.style.yellow("!")} ${left} left alone: gone meanwhile, or in a bus folder that is a symlink (never deleted through).`,
      );
    }
    return EXIT.ok;
  },
});

function countByState(entries: readonly { state: string }[]): string {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
}
