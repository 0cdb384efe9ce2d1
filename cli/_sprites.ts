import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { connectSprites } from "../bootstrap/connect.js";
import { SpriteError } from "../bootstrap/sprite-error.js";
import { isSpriteName, spriteNameFor } from "../bootstrap/sprite-name.js";
import type { SpritesApi } from "../bootstrap/sprites-api.js";
import { CliError, EXIT, usageError } from "./_errors.js";
import { projectRoot } from "./_project.js";
import { ensureTools, installCommand } from "./_tools.js";

/** Exit codes every `manifest sprite` command documents in its `--help`. */
export const SPRITE_EXIT_HELP = `Sprite exit codes:
  0    done
  1    the Sprites API refused or failed (the message says why and what to do)
  2    usage error (a bad name or argument)`;

/** The Sprites client, once the SDK is known to be installed (else a CliError naming it). */
export async function openSprites(command: string): Promise<SpritesApi> {
  ensureTools(command, ["sprites"]);
  return asCli(() => connectSprites(process.env, installCommand(["sprites"])));
}

/** Runs `step`, turning a SpriteError into a CliError with the same message and next step. */
export async function asCli<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof SpriteError)
      throw new CliError(
        error.message,
        `E_SPRITE_${error.kind.toUpperCase().replace("-", "_")}`,
        error.next,
        EXIT.failure,
      );
    throw error;
  }
}

/** A Sprite name from the command line, checked; or the project's (its package.json name, else its folder). */
export function spriteArg(name: string | undefined): string {
  if (name !== undefined && name !== "") {
    if (!isSpriteName(name))
      throw usageError(
        `"${name}" is not a Sprite name.`,
        "Use lowercase letters, digits and dashes, starting with a letter.",
      );
    return name;
  }
  const root = projectRoot();
  const derived = spriteNameFor(projectName(root) ?? basename(root));
  if (!derived)
    throw usageError("This project's name does not make a Sprite name.", "Give one: manifest sprite create <name>.");
  return derived;
}

function projectName(root: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name?: unknown }).name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shows `label` on stderr when `work` takes over a second (a spinner on a terminal, one line
 * otherwise), and clears it when done.
 */
export async function withProgress<T>(
  label: string,
  work: Promise<T>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<T> {
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  let shown = false;
  let spinner: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    shown = true;
    if (!stream.isTTY) {
      stream.write(`${label}…\n`);
      return;
    }
    spinner = setInterval(() => stream.write(`\r${frames[frame++ % frames.length]} ${label}…`), 80);
  }, 1000);
  try {
    return await work;
  } finally {
    clearTimeout(start);
    clearInterval(spinner);
    if (shown && stream.isTTY) stream.write("\r\x1b[2K");
  }
}
