import { stripVTControlCharacters } from "node:util";
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from "citty";
import { CliError, EXIT, EXIT_CODES_HELP, usageError } from "./_errors.js";
import { scanFlags, suggestFlag } from "./_flags.js";
import { createOutput } from "./_output.js";
import { nearest } from "./_suggest.js";

type AnyCommand = CommandDef<ArgsDef>;

interface Resolved {
  command: AnyCommand;
  parent: AnyCommand | undefined;
  rest: string[];
  path: string[];
}

async function resolve<T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

/**
 * Walks `argv` down the sub-command tree. An unknown sub-command is a usage error that
 * names the nearest known one.
 */
async function resolveCommand(root: AnyCommand, argv: string[]): Promise<Resolved> {
  let command = root;
  let parent: AnyCommand | undefined;
  let rest = argv;
  const path: string[] = [];
  for (;;) {
    const subCommands = await resolve(command.subCommands);
    if (!subCommands || Object.keys(subCommands).length === 0) return { command, parent, rest, path };
    const args = (await resolve(command.args)) ?? {};
    const index = subCommandIndex(rest, args);
    const name = index === -1 ? undefined : rest[index];
    if (name === undefined) return { command, parent, rest, path };
    const names = Object.keys(subCommands);
    const found = subCommands[name];
    if (!found) {
      const guess = nearest(name, names);
      const where = ["manifest", ...path].join(" ");
      // `events --stat rejected`: the misspelt option, not its value, is the mistake.
      const [badFlag] = scanFlags(rest.slice(0, index), args, false).unknown;
      if (badFlag !== undefined) throw unknownOption(badFlag, args, where);
      throw usageError(
        `Unknown command "${name}" for \`${where}\`.${guess ? ` Did you mean \`${where} ${guess}\`?` : ""}`,
        `Run \`${where} --help\` to see the commands.`,
      );
    }
    parent = command;
    command = (await resolve(found)) as AnyCommand;
    path.push(name);
    rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
  }
}

/**
 * Where the sub-command name is in `argv`: the first word that is neither a flag nor the
 * value of one of the command's own string options (`events --state rejected` lists).
 */
function subCommandIndex(argv: readonly string[], args: ArgsDef): number {
  const takesValue = (flag: string) => {
    const name = flag.replace(/^-{1,2}/, "");
    return Object.entries(args).some(
      ([key, def]) =>
        (def.type === "string" || def.type === "enum") &&
        (key === name || ("alias" in def && [def.alias ?? []].flat().includes(name))),
    );
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return -1;
    if (!arg.startsWith("-")) return i;
    if (!arg.includes("=") && takesValue(arg)) i++;
  }
  return -1;
}

/**
 * Runs the CLI: `--help` (with exit codes), `--version`, then the command. Errors become
 * one or two lines on stderr (and a JSON error document with `--json`) and an exit code.
 */
export async function runCli(root: AnyCommand, argv: string[], version: string): Promise<number> {
  process.stdout.on("error", endQuietlyWhenReaderLeft);
  let out = createOutput(argv.includes("--json"));
  try {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
      process.stdout.write(`${version}\n`);
      return EXIT.ok;
    }
    const resolved = await resolveCommand(root, argv);
    const args = (await resolve(resolved.command.args)) ?? {};
    const passthrough = Boolean((resolved.command.meta as { passthrough?: boolean } | undefined)?.passthrough);
    const scan = scanFlags(resolved.rest, args, passthrough);
    const flags = resolved.rest.slice(0, scan.ownLength);
    out = createOutput(flags.includes("--json"));
    if (flags.includes("--help") || flags.includes("-h")) {
      await printUsage(resolved);
      return EXIT.ok;
    }
    const [unknown] = scan.unknown;
    if (unknown !== undefined) throw unknownOption(unknown, args, ["manifest", ...resolved.path].join(" "));
    const subCommands = await resolve(resolved.command.subCommands);
    if (!resolved.command.run && subCommands && Object.keys(subCommands).length > 0) {
      await printUsage(resolved);
      return EXIT.usage;
    }
    const { result } = await runCommand(resolved.command, { rawArgs: resolved.rest });
    return typeof result === "number" ? result : EXIT.ok;
  } catch (error) {
    const cli =
      error instanceof CliError
        ? error
        : isCittyUsageError(error)
          ? usageError(stripVTControlCharacters((error as Error).message), "Run the command with --help.")
          : new CliError(
              (error as Error)?.message ?? String(error),
              "E_UNEXPECTED",
              "This is a bug in Spark: please report it with the command you ran.",
            );
    out.document({ ok: false, error: { code: cli.code, message: cli.message, next: cli.next ?? null } });
    out.note(`${out.style.red("✖")} ${cli.message}${cli.next ? `\n  ${cli.next}` : ""}`);
    if (cli.code === "E_UNEXPECTED" && process.env.SPARK_DEBUG) out.note(String((error as Error)?.stack));
    return cli.exitCode;
  }
}

/** A flag the command does not define: a usage error naming the closest one it does. */
function unknownOption(typed: string, args: ArgsDef, where: string): CliError {
  const guess = suggestFlag(typed, args, nearest);
  return usageError(
    `Unknown option "${typed}" for \`${where}\`.${guess ? ` Did you mean \`${guess}\`?` : ""}`,
    `Run \`${where} --help\` to see its options.`,
  );
}

/** Usage with the full command path (`manifest spark status`), the command's details and the exit codes. */
async function printUsage(resolved: Resolved): Promise<void> {
  const parent =
    resolved.path.length > 0 ? { meta: { name: ["manifest", ...resolved.path.slice(0, -1)].join(" ") } } : undefined;
  const details = (resolved.command.meta as { details?: string } | undefined)?.details;
  let text = `${await renderUsage(resolved.command, parent)}\n\n${details ? `${details}\n\n` : ""}${EXIT_CODES_HELP}\n`;
  if (!process.stdout.isTTY || process.env.NO_COLOR) text = stripVTControlCharacters(text);
  process.stdout.write(text);
}

/**
 * The reader of stdout went away (`manifest doctor | head -1`): what is left to print has
 * nowhere to go, which is how a pipe ends, not an error. Later writes are dropped and the
 * command finishes with its own exit code; anything else on stdout is still a crash.
 */
function endQuietlyWhenReaderLeft(error: NodeJS.ErrnoException): void {
  if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
  throw error;
}

function isCittyUsageError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: string }).name === "CLIError";
}
