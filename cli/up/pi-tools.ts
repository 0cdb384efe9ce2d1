import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * Pi's file search needs fd and ripgrep. When they are missing, interactive Pi tries to
 * download them at every start (`fd not found. Downloading…`, then `Failed to download fd`
 * without internet, after a wait): the first thing a newcomer saw in Spark's layout. Spark
 * looks first, starts Pi offline when they are missing (no download attempts), and says once,
 * in its own words, how to install them.
 */
export const PI_SEARCH_TOOLS = [
  { name: "fd", binaries: ["fd", "fdfind"] },
  { name: "ripgrep", binaries: ["rg"] },
] as const;

/** The folder Pi downloads its tools into: `<agent dir>/bin` (PI_CODING_AGENT_DIR, else ~/.pi/agent). */
export function piToolsDir(env: NodeJS.ProcessEnv): string {
  return join(env.PI_CODING_AGENT_DIR || join(homedir(), ".pi", "agent"), "bin");
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The search tools Pi would not find (on PATH or in its own tools folder), by name. */
export function missingPiTools(env: NodeJS.ProcessEnv, isExecutable: (path: string) => boolean = executable): string[] {
  const dirs = [piToolsDir(env), ...(env.PATH ?? "").split(delimiter).filter((d) => d !== "" && isAbsolute(d))];
  return PI_SEARCH_TOOLS.filter((tool) => !tool.binaries.some((b) => dirs.some((d) => isExecutable(join(d, b))))).map(
    (tool) => tool.name,
  );
}

/** Spark's one line about missing search tools, with how to add them; undefined when none is missing. */
export function missingToolsNote(missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined;
  const apt = missing.map((m) => (m === "fd" ? "fd-find" : m)).join(" ");
  return `Pi's file search needs ${missing.join(" and ")}, not installed here: Pi starts offline so it does not try to download ${missing.length === 1 ? "it" : "them"}. Install: sudo apt-get install ${apt} (macOS: brew install ${missing.join(" ")}).`;
}
