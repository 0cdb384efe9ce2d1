import type { ArgsDef } from "citty";

/** The option words a command accepts, and which of them take a value. */
interface FlagTable {
  /** Long names (`detach`, `dry-run`, `dryRun`, `no-entry`) and one-letter aliases (`y`). */
  names: Set<string>;
  /** The names that read the next word as their value (`--every 5m`). */
  takesValue: Set<string>;
  /** The long names as `--help` shows them, for suggestions. */
  shown: string[];
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Builds the table from citty's argument definitions, plus `--help`/`-h` that every command takes. */
function flagTable(args: ArgsDef): FlagTable {
  const table: FlagTable = { names: new Set(["help", "h"]), takesValue: new Set(), shown: ["--help"] };
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const aliases = "alias" in def ? [def.alias ?? []].flat() : [];
    const forms = [name, kebab(name), camel(name), ...aliases];
    if (def.type === "boolean") forms.push(...[name, kebab(name), ...aliases].map((n) => `no-${n}`));
    for (const form of forms) {
      table.names.add(form);
      if (def.type === "string" || def.type === "enum") table.takesValue.add(form);
    }
    table.shown.push(`--${kebab(name)}`);
  }
  return table;
}

/** What a command's own words hold: the flags it does not know, and where its own words end. */
export interface FlagScan {
  /** Flags as typed (`--detatch`, `-x`), in order. */
  unknown: string[];
  /** How many leading words belong to the command itself (a passthrough command stops at its program). */
  ownLength: number;
}

/**
 * Reads a command's arguments the way citty will, without parsing values: each flag is
 * checked against the command's definitions (`--no-x` for booleans, aliases, kebab and camel
 * forms), a flag that takes a value skips the next word, `--` ends the flags, and for a
 * command that runs another program (`manifest run`) the first plain word is that program,
 * after which nothing is ours (`manifest run grep -h x`). Pure.
 */
export function scanFlags(argv: readonly string[], args: ArgsDef, passthrough: boolean): FlagScan {
  const table = flagTable(args);
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--") return { unknown, ownLength: i };
    if (word === "-" || !word.startsWith("-") || /^-\d/.test(word)) {
      if (passthrough) return { unknown, ownLength: i };
      continue;
    }
    const long = word.startsWith("--");
    const [name = "", value] = word.slice(long ? 2 : 1).split(/=(.*)/s, 2);
    if (long || name.length === 1) {
      if (!table.names.has(name)) unknown.push(word);
      else if (value === undefined && table.takesValue.has(name)) i++;
      continue;
    }
    // `-n5`: a one-letter option with its value attached; `-yq`: several one-letter booleans.
    const first = name[0] as string;
    if (table.takesValue.has(first)) continue;
    if (![...name].every((c) => table.names.has(c) && !table.takesValue.has(c))) unknown.push(word);
  }
  return { unknown, ownLength: argv.length };
}

/** The command's option closest to a mistyped one, as typed on a command line (`--detach`). */
export function suggestFlag(
  typed: string,
  args: ArgsDef,
  nearest: (input: string, candidates: string[]) => string | undefined,
) {
  const bare = typed.split("=")[0] as string;
  return nearest(bare, flagTable(args).shown);
}
