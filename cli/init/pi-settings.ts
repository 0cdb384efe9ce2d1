/**
 * Adding Spark to a project's `.pi/settings.json` (pure): the extension to the `extensions`
 * array and the skills folder to `skills`, keeping every other key and entry. Paths there
 * resolve relative to `.pi/`.
 */

/** The two entries Spark wants, as they should be written. */
export interface SparkPiEntries {
  extension: string;
  skills: string;
}

/** The result of merging Spark's entries into the settings. */
export type PiSettingsPlan =
  | {
      ok: true;
      /** The new file content, undefined when nothing changes. */
      after: string | undefined;
      /** One line per change, for the user. */
      actions: string[];
    }
  | { ok: false; problem: string; next: string };

/** Leading `+` force-includes; `!`/`-` entries exclude and are never Spark's own entry. */
function plain(entry: string): string | undefined {
  if (entry.startsWith("!") || entry.startsWith("-")) return undefined;
  return entry.startsWith("+") ? entry.slice(1) : entry;
}

/** True for an `extensions` entry that loads Spark's extension (any install, any clone). */
export function isSparkExtensionEntry(entry: string, ours: string): boolean {
  const p = plain(entry);
  if (p === undefined) return false;
  return (
    p === ours ||
    p.endsWith("manifest-spark/dist/pi-extension.js") ||
    /pi-extensions\/spark(?:\/index\.ts)?\/?$/.test(p)
  );
}

/** True for a `skills` entry that is Spark's skills folder. */
export function isSparkSkillsEntry(entry: string, ours: string): boolean {
  const p = plain(entry);
  if (p === undefined) return false;
  return p === ours || /manifest-spark\/skills(?:\/spark)?\/?$/.test(p);
}

type Settings = Record<string, unknown>;

/**
 * Merges Spark's entries into the settings file's text (undefined: no file yet). An existing
 * Spark entry is kept when it resolves and replaced (in place) when it does not; `resolves`
 * answers for an entry as written in the file.
 */
export function planPiSettings(
  text: string | undefined,
  want: SparkPiEntries,
  resolves: (entry: string) => boolean,
): PiSettingsPlan {
  let settings: Settings = {};
  if (text !== undefined && text.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        problem: `.pi/settings.json is not valid JSON (${(error as Error).message}); Spark left it as it is.`,
        next: "Fix the JSON (or move the file away), then run `manifest spark init` again.",
      };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return {
        ok: false,
        problem: ".pi/settings.json does not hold a JSON object; Spark left it as it is.",
        next: "Make it an object such as {}, then run `manifest spark init` again.",
      };
    }
    settings = parsed as Settings;
  }
  const actions: string[] = [];
  for (const [key, value, isOurs, what] of [
    ["extensions", want.extension, isSparkExtensionEntry, "the Spark extension"],
    ["skills", want.skills, isSparkSkillsEntry, "Spark's skills"],
  ] as const) {
    const list = settings[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((e) => typeof e === "string"))) {
      return {
        ok: false,
        problem: `\`${key}\` in .pi/settings.json is not a list of paths; Spark left the file as it is.`,
        next: `Make \`${key}\` an array of strings, then run \`manifest spark init\` again.`,
      };
    }
    const entries = [...((list as string[] | undefined) ?? [])];
    const index = entries.findIndex((e) => isOurs(e, value));
    const existing = index === -1 ? undefined : entries[index];
    if (existing === undefined) {
      entries.push(value);
      actions.push(`added ${what} to \`${key}\` (${value})`);
    } else if (!resolves(existing) && existing !== value) {
      entries[index] = value;
      actions.push(`replaced ${what} entry ${existing}, which does not resolve, with ${value}`);
    } else continue;
    settings[key] = entries;
  }
  if (actions.length === 0) return { ok: true, after: undefined, actions };
  return { ok: true, after: `${JSON.stringify(settings, null, 2)}\n`, actions };
}
