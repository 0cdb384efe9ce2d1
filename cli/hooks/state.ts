import { constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { packageRoot } from "../_package.js";
import {
  type BlockContext,
  blockPaths,
  findBlock,
  type HookFile,
  type HookFilePlan,
  type HookRemoval,
  planHookFile,
  removeFromHookFile,
  renderBlock,
} from "./block.js";
import type { HookRole, HookSpec } from "./roles.js";

/** A hook as `manifest hooks status` and `doctor` report it. */
export interface HookStatus {
  name: string;
  roles: HookRole[];
  checks: string[];
  /**
   * installed: the block is there and current. outdated: it is there but install would write
   * another (roles changed, or the `manifest` it calls is gone). missing: no block. blocked:
   * install cannot add one (see `problem`). unneeded: a block no role asks for any more.
   */
  state: "installed" | "outdated" | "missing" | "blocked" | "unneeded";
  /** The hook file has code of its own besides Spark's block. */
  chained: boolean;
  problem?: string;
  next?: string;
}

/** Reads a hook file without following a symlink; undefined when there is none. */
export function readHookFile(path: string): HookFile | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) return { content: "", executable: true, symlink: true };
  if (!stat.isFile()) return { content: "", executable: false, symlink: true };
  return {
    content: readFileSync(path, "utf8"),
    executable: (stat.mode & constants.S_IXUSR) !== 0,
    symlink: false,
  };
}

/** Hook files in `hooksDir` that carry Spark's block. */
export function hooksWithBlock(hooksDir: string): string[] {
  if (!existsSync(hooksDir)) return [];
  return readdirSync(hooksDir).filter((name) => {
    const file = readHookFile(join(hooksDir, name));
    return file !== undefined && !file.symlink && findBlock(file.content).found !== false;
  });
}

/** One planned hook-file change. */
export interface PlannedHook {
  spec: HookSpec;
  path: string;
  plan: HookFilePlan;
}

/** Plans install for every wanted hook. */
export function planInstall(hooksDir: string, specs: HookSpec[], ctx: BlockContext): PlannedHook[] {
  return specs.map((spec) => {
    const path = join(hooksDir, spec.name);
    return { spec, path, plan: planHookFile(readHookFile(path), spec, ctx) };
  });
}

/** The state of every wanted hook, plus blocks no one wants any more. */
export function hooksStatus(hooksDir: string, specs: HookSpec[], ctx: BlockContext): HookStatus[] {
  const out: HookStatus[] = specs.map((spec) => {
    const file = readHookFile(join(hooksDir, spec.name));
    const base = { name: spec.name, roles: spec.roles, checks: spec.checks };
    const plan = planHookFile(file, spec, ctx);
    const chained = file !== undefined && hasOwnCode(file.content);
    if (plan.action === "skip") return { ...base, state: "blocked", chained, problem: plan.problem, next: plan.next };
    if (!file || plan.action === "create" || plan.action === "insert") {
      return { ...base, state: "missing", chained, next: "run `manifest hooks install`" };
    }
    const location = findBlock(file.content);
    const installed = location.found === true ? location : undefined;
    const paths = installed ? blockPaths(installed.text) : undefined;
    if (installed && paths && renderBlock(spec, { ...ctx, ...paths }, installed.created) === installed.text) {
      if (existsSync(paths.cli)) return { ...base, state: "installed", chained };
      return {
        ...base,
        state: "outdated",
        chained,
        problem: `it calls ${paths.cli}, which is gone`,
        next: "run `manifest hooks install` again",
      };
    }
    return {
      ...base,
      state: "outdated",
      chained,
      problem: "its block differs from what this Spark writes (the config's hooks changed?)",
      next: "run `manifest hooks install` again",
    };
  });
  const wanted = new Set(specs.map((s) => s.name));
  for (const name of hooksWithBlock(hooksDir)) {
    if (wanted.has(name)) continue;
    const file = readHookFile(join(hooksDir, name));
    out.push({
      name,
      roles: [],
      checks: [],
      state: "unneeded",
      chained: file !== undefined && hasOwnCode(file.content),
      problem: "no check in the config uses it any more",
      next: "run `manifest hooks install` again (it removes the block)",
    });
  }
  return out;
}

/** True when a hook file holds code besides a shebang and Spark's block. */
export function hasOwnCode(content: string): boolean {
  const location = findBlock(content);
  const rest = location.found === true ? content.slice(0, location.start) + content.slice(location.end) : content;
  return rest.split("\n").some((line, i) => line.trim() !== "" && !(i === 0 && line.startsWith("#!")));
}

/** Writes one planned hook file: new files 0755, existing ones keep their mode. */
export function applyHookPlan(planned: PlannedHook): void {
  const { plan, path } = planned;
  if (plan.action === "create") {
    mkdirSync(dirname(path), { recursive: true });
    // wx: a hook that appeared since the plan is never overwritten.
    writeFileSync(path, plan.content, { mode: 0o755, flag: "wx" });
  } else if (plan.action === "insert" || plan.action === "update") {
    writeFileSync(path, plan.content);
  }
}

/** Removes Spark's block from one hook file; returns what was done. */
export function removeHookBlock(path: string): HookRemoval {
  const file = readHookFile(path);
  if (!file || file.symlink) return { action: "none" };
  const removal = removeFromHookFile(file.content);
  if (removal.action === "delete") rmSync(path, { force: true });
  if (removal.action === "update") writeFileSync(path, removal.content);
  return removal;
}

/** Where the block finds this `manifest`: this node and this package's dist/cli.js. */
export function currentBlockContext(prefix: string): BlockContext {
  return { node: process.execPath, cli: join(packageRoot(), "dist", "cli.js"), prefix };
}
