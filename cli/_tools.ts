/**
 * Optional tools: packages that only some commands need (the sidecar's Pi SDK, the cloud's
 * SDKs, the bridge's HTTP stack, …). An app's production install has none of them: they are
 * pinned devDependencies of this package, never dependencies or peers (npm keeps an app's `-D`
 * copy of an optional peer under `--omit=dev`). Each command checks for what it needs before
 * its lazy `import()` and, when something is missing, says which package and the one command
 * that adds it; `doctor` reports the same text. The one place that knows which command needs what.
 */
import { CliError, EXIT } from "./_errors.js";
import { installedPackages, type PackageLookup } from "./_tool-lookup.js";

/** A tool a command may need, and the packages that make it (the first set that resolves wins). */
export interface ToolSpec {
  /** What the tool is for, in a user's words: "the sidecar (a Pi session)". */
  purpose: string;
  /** Alternatives: any one of these sets, all of whose packages resolve, satisfies the tool. */
  anyOf: readonly (readonly string[])[];
  /** What to install when none resolves: exact `name@version` specs (the dev pins). */
  install: readonly string[];
  /** A global install (`npm install -g`) serves too: the user's own Pi. */
  global?: boolean;
}

const SPECS = {
  pi: {
    purpose: "the sidecar (a Pi session)",
    anyOf: [["@mariozechner/pi-coding-agent"], ["@earendil-works/pi-coding-agent"]],
    install: ["@mariozechner/pi-coding-agent@0.73.1"],
    global: true,
  },
  dashboard: {
    purpose: "the sidecar's terminal dashboard",
    anyOf: [["blessed"]],
    install: ["blessed@0.1.81"],
  },
  // `manifest sprite …` (@fly/sprites declares Node >= 24; on Node 20 ws stands in for WebSocket).
  sprites: {
    purpose: "the Sprites client (Fly's SDK, and ws for its WebSocket on Node 20)",
    anyOf: [["@fly/sprites", "ws"]],
    install: ["@fly/sprites@0.1.0", "ws@8.23.0"],
  },
  // The tools below belong to commands still being built; their helpers find the entry ready.
  // `manifest sidecar --web`, `manifest attach`.
  bridge: {
    purpose: "the sidecar's HTTP bridge",
    anyOf: [["hono", "@hono/node-server", "http-proxy-3"]],
    install: ["hono@4.13.23", "@hono/node-server@2.1.11", "http-proxy-3@1.23.3"],
  },
  // `manifest inspect …` (a native module: prebuilt binaries for Node 20 to 26).
  inspect: {
    purpose: "the inspect database (SQLite)",
    anyOf: [["better-sqlite3"]],
    install: ["better-sqlite3@12.11.1"],
  },
  // `manifest relay`, `manifest fleet …`.
  relay: {
    purpose: "the NATS relay",
    anyOf: [["@nats-io/transport-node", "@nats-io/jetstream", "@nats-io/kv"]],
    install: ["@nats-io/transport-node@3.4.0", "@nats-io/jetstream@3.4.0", "@nats-io/kv@3.4.0"],
  },
  // `manifest relay` / `fleet` with a ws:// or wss:// hub (a Sprite's HTTPS-only edge).
  relayWebSocket: {
    purpose: "the relay's WebSocket transport",
    anyOf: [["ws"]],
    install: ["ws@8.23.0"],
  },
} as const satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof SPECS;

/** What `manifest sidecar` needs (and so `up` and `demo`, which start it); headless: only Pi. */
export const SIDECAR_TOOLS = ["pi", "dashboard"] as const satisfies readonly ToolName[];

/** Every optional tool, by name. Commands name the tools they need. */
export const TOOLS: Readonly<Record<ToolName, ToolSpec>> = SPECS;

/** Where a tool was found, and what to `import()` for it (its first package's entry). */
export interface ToolLocation {
  source: "project" | "global";
  /** URL of the entry of the set's first package: `await import(entry)`. */
  entry: string;
}

/** Finds a tool in the project, then (for a tool a global install may serve) globally. */
export function locateTool(name: ToolName, lookup: PackageLookup = installedPackages): ToolLocation | undefined {
  const spec = TOOLS[name];
  const sources = spec.global ? (["project", "global"] as const) : (["project"] as const);
  for (const source of sources) {
    for (const set of spec.anyOf) {
      const urls = set.map((pkg) => lookup[source](pkg));
      const [entry] = urls;
      if (entry !== undefined && urls.every((url) => url !== undefined)) return { source, entry };
    }
  }
  return undefined;
}

/** The tools among `names` that are not installed where this code runs. */
export function missingTools(names: readonly ToolName[], lookup: PackageLookup = installedPackages): ToolName[] {
  return names.filter((name) => locateTool(name, lookup) === undefined);
}

/** The one command that adds the given tools to a project (dev dependencies: they are tools). */
export function installCommand(names: readonly ToolName[]): string {
  const specs = [...new Set(names.flatMap((name) => TOOLS[name].install))];
  return `npm install -D ${specs.join(" ")}`;
}

/** What a command that lacks tools says: what is missing, and the next step. */
export interface ToolProblem {
  message: string;
  next: string;
}

/** Pure: the words for `command` lacking the `missing` tools (what ensureTools and doctor say). */
export function describeMissing(command: string, missing: readonly ToolName[]): ToolProblem {
  const what = missing.map((name) => `${TOOLS[name].purpose} (${TOOLS[name].install.join(", ")})`).join(" and ");
  const one = missing.length === 1;
  // Only Pi is looked for globally too: say so, or a person with a global Pi is puzzled.
  const where = missing.some((name) => TOOLS[name].global) ? "in this project or globally" : "in this project";
  return {
    message: `\`${command}\` needs ${what}, which ${one ? "is" : "are"} not installed ${where}.`,
    next: `Add ${one ? "it" : "them"} to the project: ${installCommand(missing)}`,
  };
}

/** Why `command` cannot run here, or undefined when every tool it needs is installed. */
export function toolProblem(
  command: string,
  names: readonly ToolName[],
  lookup: PackageLookup = installedPackages,
): ToolProblem | undefined {
  const missing = missingTools(names, lookup);
  return missing.length === 0 ? undefined : describeMissing(command, missing);
}

/**
 * Where each of `names` is installed, for `command` to import it; throws a `CliError` (exit 1,
 * no stack) naming what is missing and the one command that adds it.
 */
export function ensureTools<N extends ToolName>(
  command: string,
  names: readonly N[],
  lookup: PackageLookup = installedPackages,
): Record<N, ToolLocation> {
  const found = names.map((name) => [name, locateTool(name, lookup)] as const);
  const missing = found.flatMap(([name, location]) => (location ? [] : [name]));
  if (missing.length > 0) {
    const { message, next } = describeMissing(command, missing);
    throw new CliError(message, "E_TOOL_MISSING", next, EXIT.failure);
  }
  return Object.fromEntries(found) as Record<N, ToolLocation>;
}
