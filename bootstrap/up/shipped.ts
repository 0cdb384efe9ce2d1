/**
 * Which of a project's files `manifest sprite up` and `push` send to a Sprite: the tracked
 * ones (git decides what is ignored), never `.env*` files, keys and other secrets, installed
 * packages, or the local bus (`.spark/`: the Sprite has its own). Pure.
 */

/** Folder names never sent, at any depth. */
const NEVER_DIRS = new Set(["node_modules", ".spark", ".git"]);

/** File names never sent, at any depth. */
const NEVER_FILES: readonly RegExp[] = [
  /^\.env(\..*)?$/i, // .env, .env.local, .env.production…
  /^\.envrc$/i,
  /\.(pem|key|p12|pfx|jks|keystore)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/,
  /^\.npmrc$/, // often carries a registry token
  /^\.netrc$/,
  /^credentials(\.json)?$/i,
  /^secrets?(\.[a-z]+)?$/i, // secrets.json, secret.yaml…
];

/** Why a path is kept back, or undefined when it is sent. */
export function heldBack(path: string): string | undefined {
  // Names a line-based list or the Sprite's shell tools could not carry safely.
  if (/[\n\r\\]/.test(path)) return "its name has a newline or a backslash";
  const parts = path.split("/");
  if (parts.some((p) => NEVER_DIRS.has(p))) return "installed packages and the local bus stay here";
  const name = parts.at(-1) ?? "";
  if (NEVER_FILES.some((re) => re.test(name))) return "it may hold a secret";
  return undefined;
}

/** Whether a path is sent. */
export function isShipped(path: string): boolean {
  return heldBack(path) === undefined;
}
