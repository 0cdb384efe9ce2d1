/**
 * Optional tools: packages that only some commands need (the sidecar's Pi SDK, the cloud's
 * SDKs). An app's production install has none of them; each command checks for what it needs
 * before its lazy `import()` and, when something is missing, says which package and the one
 * command that adds it. `doctor` reads the same table.
 */
import { CliError, EXIT } from "./_errors.js";

/** A tool a command may need, and the packages that make it (the first that resolves wins). */
export interface ToolSpec {
  /** What the tool is for, in a user's words: "the sidecar (a Pi session)". */
  purpose: string;
  /** Alternatives: any one of these sets, all of whose packages resolve, satisfies the tool. */
  anyOf: readonly (readonly string[])[];
  /** What to install when none resolves: `name@version` specs. */
  install: readonly string[];
}

/** Every optional tool, by name. Commands name the tools they need. */
export const TOOLS = {
  pi: {
    purpose: "the sidecar (a Pi session)",
    anyOf: [["@mariozechner/pi-coding-agent", "@mariozechner/pi-ai"], ["@earendil-works/pi-coding-agent"]],
    install: ["@mariozechner/pi-coding-agent@0.73.1", "@mariozechner/pi-ai@0.73.1"],
  },
  dashboard: {
    purpose: "the sidecar's terminal dashboard",
    anyOf: [["blessed"]],
    install: ["blessed@0.1.81"],
  },
  sprites: {
    purpose: "the Sprites client (Fly's SDK, and ws for its WebSocket on Node 20)",
    anyOf: [["@fly/sprites", "ws"]],
    install: ["@fly/sprites@0.1.0", "ws@8.23.0"],
  },
} as const satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOLS;

/** Resolves a package the way the running code would import it; false when it is not installed. */
export type PackageProbe = (name: string) => boolean;

const probeFromHere: PackageProbe = (name) => {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/** The tools among `names` that are not installed where this code runs. Pure given `probe`. */
export function missingTools(names: readonly ToolName[], probe: PackageProbe = probeFromHere): ToolName[] {
  return names.filter((name) => !TOOLS[name].anyOf.some((set) => set.every((pkg) => probe(pkg))));
}

/** The one command that adds the given tools to a project (dev dependencies: they are tools). */
export function installCommand(names: readonly ToolName[]): string {
  const specs = [...new Set(names.flatMap((name) => TOOLS[name].install))];
  return `npm install -D ${specs.join(" ")}`;
}

/**
 * Throws a `CliError` (exit 1, no stack) naming what `command` needs and how to add it, when
 * any of `names` is missing.
 */
export function ensureTools(command: string, names: readonly ToolName[], probe: PackageProbe = probeFromHere): void {
  const missing = missingTools(names, probe);
  if (missing.length === 0) return;
  const what = missing.map((name) => `${TOOLS[name].purpose} (${TOOLS[name].install.join(", ")})`).join(" and ");
  throw new CliError(
    `\`${command}\` needs ${what}, which ${missing.length === 1 ? "is" : "are"} not installed here.`,
    "E_TOOL_MISSING",
    `Add ${missing.length === 1 ? "it" : "them"} to the project: ${installCommand(missing)}`,
    EXIT.failure,
  );
}
