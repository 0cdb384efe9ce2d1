import { usageError } from "../_errors.js";

/** `manifest run`'s own options: only those written before the command. */
export interface RunOptions {
  json: boolean;
  /** `--every <duration>` as written, not parsed yet. */
  every: string | undefined;
  /** `--name <name>`: the log name instead of the command's basename. */
  name: string | undefined;
}

/** The command line of `manifest run`, split between manifest and the child. */
export interface RunArgv {
  options: RunOptions;
  command: string;
  args: string[];
}

const VALUE_OPTIONS = new Set(["every", "name"]);

/**
 * Splits `manifest run`'s arguments: options up to the first word that is not one (or up to
 * `--`) are manifest's; that word is the command and everything after it belongs to the
 * child, untouched, so `manifest run npm test --json` hands `--json` to npm.
 */
export function splitRunArgv(rawArgs: readonly string[]): RunArgv {
  const options: RunOptions = { json: false, every: undefined, name: undefined };
  let i = 0;
  for (; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    const eq = arg.indexOf("=");
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    if (arg === "--json") {
      options.json = true;
      continue;
    }
    if (!arg.startsWith("--") || !VALUE_OPTIONS.has(key)) {
      throw usageError(
        `Unknown option ${arg} for \`manifest run\`.`,
        "manifest's options (--every, --name, --json) go before the command; the command's own go after it.",
      );
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = rawArgs[i + 1];
      i++;
    }
    if (value === undefined || value === "") {
      throw usageError(`--${key} needs a value.`, `For example: manifest run --${key} ${example(key)} npm test`);
    }
    if (key === "every") options.every = value;
    else options.name = value;
  }
  const command = rawArgs[i];
  if (command === undefined || command === "") {
    throw usageError(
      "`manifest run` needs a command to run.",
      "For example: manifest run npm test, or manifest run dev.",
    );
  }
  return { options, command, args: rawArgs.slice(i + 1) };
}

function example(key: string): string {
  return key === "every" ? "5m" : "my-job";
}

/** A command line for people to read (and paste into a POSIX shell): words quoted when needed. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(quoteWord).join(" ");
}

function quoteWord(word: string): string {
  if (word === "") return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
