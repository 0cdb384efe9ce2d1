import * as z from "zod/mini";
import {
  BRIDGE_ENV_FILE,
  FILES_LIST,
  INSPECT_DB,
  MIN_NODE,
  PI_MODELS_FILE,
  PROJECT_FROM_HOME,
  SPRITE_HOME,
  STAMP_FILE,
} from "./layout.js";
import { parseStamp, type SpriteStamp } from "./stamp.js";

/**
 * What one read-only command tells about a Sprite (the first thing `up` runs there): Node's
 * version, the stamp, whether the work each step stamped is still there, and the installed
 * version of each package named after it (`node -e FACTS_SCRIPT name…`). Run with the home as
 * working directory; `node -e` so it needs nothing else: the inspect database's schema version
 * is read from its file's header (SQLite keeps `user_version` at byte 60), not through SQLite.
 */
export const FACTS_SCRIPT = [
  `const fs=require("fs");const p="${PROJECT_FROM_HOME}/";`,
  'const read=(f)=>{try{return fs.readFileSync(f,"utf8")}catch{return null}};',
  "const json=(f)=>{try{return JSON.parse(read(f))}catch{return null}};",
  "const stat=(f)=>{try{return fs.statSync(f)}catch{return null}};",
  'const version=(d)=>(json(p+"node_modules/"+d+"/package.json")||{}).version||null;',
  `const env=stat(process.env.HOME+"/.config/manifest/${BRIDGE_ENV_FILE}");`,
  "console.log(JSON.stringify({node:process.version,",
  `stamp:json(p+"${STAMP_FILE}"),files:!!stat(p+"${FILES_LIST}"),`,
  'spark:version("manifest-spark"),',
  "tools:Object.fromEntries(process.argv.slice(1).map((n)=>[n,version(n)])),",
  'bus:!!stat(p+".spark/events"),',
  `inspect:(()=>{try{const fd=fs.openSync(p+"${INSPECT_DB}","r"),b=Buffer.alloc(64),n=fs.readSync(fd,b,0,64,0);`,
  'fs.closeSync(fd);return n===64&&b.toString("latin1",0,16)==="SQLite format 3\\0"?b.readUInt32BE(60):null}',
  "catch{return null}})(),",
  `models:!!stat(process.env.HOME+"${PI_MODELS_FILE.slice(SPRITE_HOME.length)}"),`,
  "bridgeEnv:env?(env.mode&511).toString(8):null}));",
].join("");

const factsSchema = z.object({
  node: z.string(),
  stamp: z.unknown(),
  files: z.boolean(),
  spark: z.nullable(z.string()),
  tools: z.record(z.string(), z.nullable(z.string())),
  bus: z.boolean(),
  inspect: z.nullable(z.number()),
  models: z.boolean(),
  bridgeEnv: z.nullable(z.string()),
});

/** The Sprite as its facts command saw it. */
export interface SpriteFacts {
  /** Node's version (`v22.20.0`), or undefined when there is no `node`. */
  node: string | undefined;
  /** The stamp, undefined when there is none or it does not parse. */
  stamp: SpriteStamp | undefined;
  /** The list of sent files exists (the code step's work). */
  files: boolean;
  /** Installed versions in the project's node_modules: manifest-spark, and each tool's package asked about. */
  spark: string | undefined;
  tools: Record<string, string | null>;
  /** `.spark/` has its bus folders (the layout step's work). */
  bus: boolean;
  /** The inspect database's schema version (its `user_version`), or undefined when there is no such database. */
  inspect: number | undefined;
  models: boolean;
  /** The bridge's env file's mode (`600`), or undefined when it is missing. */
  bridgeEnv: string | undefined;
}

/** Facts of a Sprite nothing was done in (a new one). */
export const NO_FACTS: SpriteFacts = {
  node: undefined,
  stamp: undefined,
  files: false,
  spark: undefined,
  tools: {},
  bus: false,
  inspect: undefined,
  models: false,
  bridgeEnv: undefined,
};

/** Reads the facts command's result: exit 127 means no Node. Undefined when its output is not facts. Pure. */
export function parseFacts(exitCode: number, stdout: string): SpriteFacts | undefined {
  if (exitCode === 127) return { ...NO_FACTS };
  if (exitCode !== 0) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    return undefined;
  }
  const parsed = factsSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const f = parsed.data;
  return {
    node: f.node,
    stamp: parseStamp(f.stamp),
    files: f.files,
    spark: f.spark ?? undefined,
    tools: f.tools,
    bus: f.bus,
    inspect: f.inspect ?? undefined,
    models: f.models,
    bridgeEnv: f.bridgeEnv ?? undefined,
  };
}

/** Whether a Node version (`v22.20.0`) is at least the package's minimum. Pure. */
export function nodeIsRecentEnough(version: string | undefined): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** `name@version` split at its last `@` (scoped names keep theirs). Pure. */
export function splitSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf("@");
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec, version: "" };
}

/** The tool specs (`name@version`) not installed at their version, by the facts. Pure. */
export function toolsMissing(facts: Pick<SpriteFacts, "tools">, specs: readonly string[]): string[] {
  return specs.filter((spec) => {
    const { name, version } = splitSpec(spec);
    return facts.tools[name] !== version;
  });
}
