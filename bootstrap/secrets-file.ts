/**
 * The secrets env file kept in a Sprite (`~/.config/manifest/secrets.env`, mode 0600): one
 * `export KEY='value'` per line, so a service's start script can `source` it. Values never
 * travel anywhere else (not in exec env, which the SDK puts in URLs). Pure.
 */

/** Where the file lives inside a Sprite. */
export const SECRETS_PATH = "/home/sprite/.config/manifest/secrets.env";

/** Names a shell accepts as variables; the rest would not reach a service. */
export function isSecretName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** The file's text for these secrets, in name order, under a one-line comment. */
export function formatSecrets(
  secrets: ReadonlyMap<string, string>,
  comment = "Written by `manifest sprite secrets`. Sourced by the services Spark starts.",
): string {
  const lines = [...secrets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", "'\\''")}'`);
  return `# ${comment}\n${lines.join("\n")}\n`;
}

/** The secrets in a file written by `formatSecrets` (other lines are ignored). */
export function parseSecrets(text: string): Map<string, string> {
  const secrets = new Map<string, string>();
  // A value may span lines: match whole `export NAME='…'` assignments, '\'' being a quote.
  const assignment = /^export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\\'')*)'$/gm;
  for (const m of text.matchAll(assignment)) secrets.set(m[1] as string, (m[2] as string).replaceAll("'\\''", "'"));
  return secrets;
}

/** Names of the other env files a service may load from the same folder (`bridge.env`). */
export function isEnvFileName(name: string): boolean {
  return /^[a-z][a-z0-9-]*\.env$/.test(name) && name !== "secrets.env";
}

/**
 * The service command that loads the secrets first: `bash -c` with the original command as
 * positional parameters (so nothing is re-parsed), the file sourced with `set -a` when present,
 * then each of `envFiles` (other files of that folder, checked names: the bridge's own).
 */
export function withSecrets(
  cmd: string,
  args: readonly string[],
  envFiles: readonly string[] = [],
): { cmd: string; args: string[] } {
  for (const name of envFiles) if (!isEnvFileName(name)) throw new Error(`"${name}" is not an env file name.`);
  const files = ["secrets.env", ...envFiles].map((name) => `"$d/${name}"`).join(" ");
  const load = `d="$HOME/.config/manifest"; for f in ${files}; do if [ -f "$f" ]; then set -a; . "$f"; set +a; fi; done; exec "$@"`;
  return { cmd: "bash", args: ["-c", load, "spark-service", cmd, ...args] };
}

/** Whether a service was started by `withSecrets` (and so reads the file when it restarts). */
export function loadsSecrets(service: { cmd: string; args: readonly string[] }): boolean {
  return service.cmd === "bash" && service.args[2] === "spark-service";
}
