import { type BusEntry, type EventState, matchEntries } from "../bus/browse.js";
import { CliError, EXIT } from "./_errors.js";

const SHOWN_CANDIDATES = 10;

/**
 * The one entry of `entries` that `query` names (an id, a unique prefix, or the tail that
 * listings show). When `prefer` is given and some matches are in those states, only those
 * count. Throws a usage error (exit 2) that lists the candidates when there is none or more
 * than one. Pure.
 */
export function findEntry(entries: readonly BusEntry[], query: string, prefer?: readonly EventState[]): BusEntry {
  // A file that moved while the folders were listed shows up twice: the later sighting is current.
  const all = [...new Map(matchEntries(entries, query).map((e) => [e.name, e])).values()];
  const preferred = prefer ? all.filter((e) => prefer.includes(e.state)) : [];
  const matches = preferred.length > 0 ? preferred : all;
  if (matches.length === 1) return matches[0] as BusEntry;
  if (matches.length === 0) {
    throw new CliError(
      `No event matches "${query}".`,
      "E_NOT_FOUND",
      "Run `manifest spark events --state all` to see the ids (a unique prefix or the short id works).",
      EXIT.usage,
    );
  }
  const listed = matches.slice(0, SHOWN_CANDIDATES).map((e) => `  ${e.id} (${e.state})`);
  if (matches.length > SHOWN_CANDIDATES) listed.push(`  …and ${matches.length - SHOWN_CANDIDATES} more`);
  throw new CliError(
    `"${query}" matches ${matches.length} events:\n${listed.join("\n")}`,
    "E_AMBIGUOUS",
    "Give more of the id.",
    EXIT.usage,
  );
}
