import { createInterface } from "node:readline/promises";

/** True for the answers that mean yes; anything else (including nothing) is no. Pure. */
export function isYes(answer: string): boolean {
  return /^\s*(y|yes)\s*$/i.test(answer);
}

/** Asks a yes/no question on the terminal (prompt on stderr, so stdout stays clean). Default no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return isYes(await rl.question(`${question} [y/N] `));
  } finally {
    rl.close();
  }
}
