import { execFile } from "node:child_process";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { findConfigFile, loadConfig, SparkConfigError } from "../../bus/config-load.js";
import { parseSparkConfig, type SparkConfig } from "../../bus/config-schema.js";
import { isPresenceAlive } from "../../bus/liveness.js";
import { countEvents } from "../../bus/maintenance.js";
import { type BusPaths, busPaths } from "../../bus/paths.js";
import { clearPause, readPause } from "../../bus/pause.js";
import { localLivenessFacts, readAgents, removeDeadAgents } from "../../bus/presence.js";
import { readRuns } from "../../bus/runs.js";
import { busDirState, repairBusDirs } from "../_bus-dirs.js";
import { readPiTrust } from "../_pi-trust.js";
import { locateTool, SIDECAR_TOOLS, TOOLS, type ToolName, toolProblem } from "../_tools.js";
import { locateHooks, rebaseInProgress } from "../hooks/git.js";
import { HOOK_PAUSE_BY, hookSpecs } from "../hooks/roles.js";
import { currentBlockContext, hooksStatus } from "../hooks/state.js";
import { readPackageJson, resolveSettingsEntry, sparkPiEntries } from "../init/files.js";
import { gatherFrameworkFacts } from "../init/framework-files.js";
import { isSparkExtensionEntry, isSparkSkillsEntry } from "../init/pi-settings.js";
import type { DoctorFacts, SettingsEntryFact } from "./checks.js";
import { frameworkStatuses } from "./framework-check.js";
import { modelFacts } from "./model-facts.js";

const exec = promisify(execFile);

/** First line of a program's output, or why it did not run (never throws). */
async function versionOf(file: string, args: string[]): Promise<{ version?: string; problem?: string }> {
  try {
    // PI_OFFLINE: `pi --version` must not reach the network from a health check.
    const { stdout, stderr } = await exec(file, args, { timeout: 20_000, env: { ...process.env, PI_OFFLINE: "1" } });
    const line = `${stdout}\n${stderr}`.split("\n").find((l) => l.trim() !== "");
    return line ? { version: line.trim() } : {};
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { killed?: boolean };
    return { problem: e.code === "ENOENT" ? "not found" : e.killed ? "timed out" : e.message.split("\n")[0] };
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The pi a person would run here: the project's node_modules/.bin (upward), then PATH. */
export function findPi(root: string, pathEnv = process.env.PATH ?? ""): string | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    const local = join(dir, "node_modules", ".bin", "pi");
    if (executable(local)) return local;
    if (dirname(dir) === dir) break;
  }
  return pathEnv
    .split(delimiter)
    .filter((d) => d !== "")
    .map((d) => join(d, "pi"))
    .find(executable);
}

function settingsFacts(root: string): DoctorFacts["piSettings"] {
  let text: string;
  try {
    text = readFileSync(join(root, ".pi", "settings.json"), "utf8");
  } catch {
    return { state: "missing" };
  }
  let settings: Record<string, unknown>;
  try {
    settings = JSON.parse(text) as Record<string, unknown>;
    if (settings === null || typeof settings !== "object" || Array.isArray(settings)) throw new Error("not an object");
  } catch (error) {
    return { state: "malformed", problem: `not valid JSON (${(error as Error).message})` };
  }
  const { want } = sparkPiEntries(root);
  const find = (
    key: string,
    isOurs: (e: string, ours: string) => boolean,
    ours: string,
  ): SettingsEntryFact | undefined => {
    const list = settings[key];
    const entry = Array.isArray(list)
      ? list.find((e): e is string => typeof e === "string" && isOurs(e, ours))
      : undefined;
    if (entry === undefined) return undefined;
    const resolved = resolveSettingsEntry(root, entry);
    let exists = false;
    try {
      statSync(resolved);
      exists = true;
    } catch {}
    return { entry, resolved, exists };
  };
  return {
    state: "ok",
    extension: find("extensions", isSparkExtensionEntry, want.extension),
    skills: find("skills", isSparkSkillsEntry, want.skills),
  };
}

function loadConfigFacts(root: string): { config: SparkConfig; paths: BusPaths; fact: DoctorFacts["config"] } {
  const file = findConfigFile(root);
  const shown = file ? relative(root, file) : undefined;
  try {
    const loaded = loadConfig(root);
    return { config: loaded.config, paths: loaded.paths, fact: { state: "ok", file: shown } };
  } catch (error) {
    const defaults = parseSparkConfig({}, process.env);
    if (!defaults.ok) throw error;
    const field = error instanceof SparkConfigError ? error.field : undefined;
    return {
      config: defaults.config,
      paths: busPaths(root),
      fact: { state: "error", file: shown, field: field || undefined, message: (error as Error).message },
    };
  }
}

/**
 * Gathers everything doctor checks. With `fix`, first removes dead presence files, repairs the
 * bus folders and lifts a rebase pause no rebase holds any more; `fixed` says what it did.
 */
export async function gatherDoctorFacts(root: string, fix: boolean): Promise<{ facts: DoctorFacts; fixed: string[] }> {
  const { config, paths, fact: configFact } = loadConfigFacts(root);
  const piPath = findPi(root);
  const [pi, tmux, hooks, rebasing, model] = await Promise.all([
    piPath ? versionOf(piPath, ["--version"]) : Promise.resolve(undefined),
    versionOf("tmux", ["-V"]),
    locateHooks(root),
    rebaseInProgress(root),
    modelFacts(root, config.sidecar.model),
  ]);
  const now = Date.now();
  const liveness = localLivenessFacts(config.presence.ttlMs, now);
  const staleMs = config.pause.staleThresholdMinutes * 60_000;
  const fixed: string[] = [];
  if (fix) {
    const dirs = busDirState(paths);
    if (!dirs.missing.includes(paths.spark) && (dirs.missing.length > 0 || dirs.loose.length > 0 || !dirs.gitignore)) {
      repairBusDirs(paths);
      fixed.push("repaired .spark/ (missing folders created, every folder 0700, .gitignore)");
    }
    for (const file of removeDeadAgents(paths, liveness)) fixed.push(`removed dead presence file agents/${file}`);
    const pause = readPause(paths, staleMs, now);
    if (pause.kind === "paused" && pause.pause.by === HOOK_PAUSE_BY && !rebasing) {
      if (clearPause(paths, { onlyBy: HOOK_PAUSE_BY }))
        fixed.push("lifted the rebase pause that no rebase holds any more");
    }
  }
  const dirs = busDirState(paths);
  const agents = readAgents(paths);
  const alive = agents.flatMap((e) => (e.ok && isPresenceAlive(e.agent, liveness) ? [e.agent] : []));
  const sidecar = alive.find((a) => a.role === "sidecar");
  const facts: DoctorFacts = {
    now,
    nodeVersion: process.versions.node,
    pi: piPath
      ? { found: true, path: piPath, version: pi?.version, problem: pi?.problem }
      : { found: false, searched: ["node_modules/.bin from the project upward", "PATH"] },
    piTrust: readPiTrust(root),
    model,
    piSettings: settingsFacts(root),
    config: configFact,
    toolLevels:
      configFact.state === "ok"
        ? Object.fromEntries(Object.entries(config.environments).map(([env, p]) => [env, p.tools]))
        : undefined,
    bus: {
      exists: !dirs.missing.includes(paths.spark),
      gitignore: dirs.gitignore,
      missing: dirs.missing.map((d) => relative(root, d)),
      loose: dirs.loose.map((d) => ({ path: relative(root, d.path), mode: d.mode })),
    },
    pause: readPause(paths, staleMs, now),
    staleMinutes: config.pause.staleThresholdMinutes,
    rebaseInProgress: rebasing,
    agents: {
      live: alive.length,
      dead: agents.flatMap((e) => (e.ok && !isPresenceAlive(e.agent, liveness) ? [e.file] : [])),
      unreadable: agents.flatMap((e) => (e.ok ? [] : [e.file])),
    },
    counts: countEvents(paths),
    sidecar: sidecar ? { id: sidecar.id, pid: sidecar.pid } : undefined,
    runs: readRuns(paths, now),
    tmux: { found: tmux.version !== undefined, version: tmux.version },
    tools: {
      sidecar: toolProblem("manifest sidecar", SIDECAR_TOOLS),
      found: (Object.keys(TOOLS) as ToolName[]).map((name) => ({ name, source: locateTool(name)?.source })),
    },
    git: hooks.ok
      ? {
          state: "ok",
          hooksDir: hooks.location.hooksDir,
          hooks: hooksStatus(
            hooks.location.hooksDir,
            hookSpecs(config.hooks),
            currentBlockContext(hooks.location.prefix),
          ),
        }
      : { state: hooks.problem },
    frameworks: frameworkStatuses(gatherFrameworkFacts(root, readPackageJson(root))),
  };
  return { facts, fixed };
}
