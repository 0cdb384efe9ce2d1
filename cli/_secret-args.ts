import { isSecretName } from "../bootstrap/secrets-file.js";
import { usageError } from "./_errors.js";

/** Where each secret's value comes from, decided from the words after the Sprite's name. */
export interface SecretSources {
  /** Values already known: `KEY=VALUE` words, or `--from-env` names. */
  values: Map<string, string>;
  /** The one name whose value is read from stdin, if any. */
  fromStdin: string | undefined;
  /** Whether a value was typed on the command line (visible in shell history and `ps`). */
  inline: boolean;
}

/**
 * `KEY=VALUE` sets from the word itself, `KEY` from the environment variable of that name with
 * `--from-env`, else from stdin (one such name at most). Pure given `env`.
 */
export function secretSources(words: readonly string[], fromEnv: boolean, env: NodeJS.ProcessEnv): SecretSources {
  if (words.length === 0)
    throw usageError("Name at least one secret.", "manifest sprite secrets set <sprite> KEY < value.txt");
  const values = new Map<string, string>();
  const bare: string[] = [];
  let inline = false;
  for (const word of words) {
    const eq = word.indexOf("=");
    const name = eq === -1 ? word : word.slice(0, eq);
    if (!isSecretName(name))
      throw usageError(
        `"${name}" is not a secret name.`,
        "Use letters, digits and underscores, not starting with a digit.",
      );
    if (eq !== -1) {
      values.set(name, word.slice(eq + 1));
      inline = true;
    } else if (fromEnv) {
      const value = env[name];
      if (value === undefined)
        throw usageError(`${name} is not set in this environment.`, `Export it first, or pipe the value in.`);
      values.set(name, value);
    } else bare.push(name);
  }
  if (bare.length > 1)
    throw usageError(
      `Only one value can come from stdin (${bare.join(", ")} were named without one).`,
      "Set them one at a time, or use --from-env.",
    );
  return { values, fromStdin: bare[0], inline };
}
