/**
 * The hub's credentials: a file readable by its owner only, in one of the forms NATS servers
 * take. Parsing is pure; reading checks the file's mode first and refuses a looser one.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** How the relay proves who it is to the hub. */
export type HubCredentials =
  /** A NATS `.creds` file (user JWT and nkey seed): decentralised auth. */
  | { kind: "creds"; bytes: Uint8Array }
  /** An nkey user seed (`SU…`). */
  | { kind: "nkey"; seed: string }
  | { kind: "user"; user: string; pass: string }
  | { kind: "token"; token: string };

/** A credentials problem, with the next step. */
export interface CredentialsProblem {
  message: string;
  next: string;
}

const MAX_BYTES = 16 * 1024;

/**
 * What a credentials file holds: a `.creds` file (with its `BEGIN NATS USER JWT` block), an
 * nkey seed, `user:password` on the first line, or else a token. Pure.
 */
export function parseCredentials(text: string): HubCredentials | undefined {
  if (text.includes("-----BEGIN NATS USER JWT-----")) return { kind: "creds", bytes: Buffer.from(text) };
  const line = text
    .split(/\r?\n/)
    .find((l) => l.trim() !== "")
    ?.trim();
  if (line === undefined) return undefined;
  if (/^SU[A-Z2-7]{56}$/.test(line)) return { kind: "nkey", seed: line };
  const colon = line.indexOf(":");
  if (colon > 0) return { kind: "user", user: line.slice(0, colon), pass: line.slice(colon + 1) };
  return { kind: "token", token: line };
}

/** Refuses a file that anyone but its owner can read or write (its mode's group/other bits). Pure. */
export function modeProblem(file: string, mode: number): CredentialsProblem | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return {
    message: `The hub credentials file ${file} can be read or changed by others (mode ${(mode & 0o777).toString(8).padStart(4, "0")}).`,
    next: `Make it private: chmod 600 ${file}`,
  };
}

/** Reads and checks a credentials file (no symlink followed, at most 16 KiB, mode 0600 or tighter). */
export function readCredentials(
  file: string,
): { ok: true; credentials: HubCredentials } | { ok: false; problem: CredentialsProblem } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return {
      ok: false,
      problem: {
        message: `The hub credentials file ${file} cannot be opened (${code === "ELOOP" ? "it is a symlink" : code}).`,
        next: "Check hub.credsFile (or SPARK_HUB_CREDS); the file must be a regular file of yours, mode 0600.",
      },
    };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_BYTES) {
      return {
        ok: false,
        problem: {
          message: `The hub credentials file ${file} is not a small regular file.`,
          next: "Point hub.credsFile at a NATS .creds file, an nkey seed, user:password or a token.",
        },
      };
    }
    const loose = modeProblem(file, stat.mode);
    if (loose) return { ok: false, problem: loose };
    const bytes = Buffer.alloc(stat.size);
    readSync(fd, bytes, 0, stat.size, 0);
    const credentials = parseCredentials(bytes.toString("utf8"));
    if (!credentials) {
      return {
        ok: false,
        problem: {
          message: `The hub credentials file ${file} is empty.`,
          next: "Put the credentials the hub's operator gave you in it.",
        },
      };
    }
    return { ok: true, credentials };
  } finally {
    closeSync(fd);
  }
}
