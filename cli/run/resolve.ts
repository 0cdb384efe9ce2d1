import { delimiter, isAbsolute, join, resolve } from "node:path";
import { type Detected, type PackageManager, scriptArgs } from "./package-manager.js";

/** What is at a path, as far as running it goes. */
export type FileKind = "executable" | "file" | "dir" | "missing";

/** The package.json nearest the working folder. */
export interface PackageInfo {
  dir: string;
  scripts: Readonly<Record<string, string>>;
}

/** What resolution may look at: injected so the rules are tested without a file system. */
export interface ResolveContext {
  cwd: string;
  /** `PATH` of the environment the child gets. */
  pathEnv: string | undefined;
  kind(path: string): FileKind;
  packageJson: PackageInfo | undefined;
  packageManager(): Detected;
}

/** A command ready to spawn (no shell: `file` gets `args` as they are). */
export type Resolved =
  | { kind: "program"; file: string; args: string[]; name: string }
  | {
      kind: "script";
      file: string;
      args: string[];
      name: string;
      script: string;
      manager: PackageManager;
      managerReason: string;
      /** A program on PATH of the same name, which the script won over (`test` and /usr/bin/test). */
      shadowedProgram: string | undefined;
    };

/** Why a command cannot start (exit 127), with what to do next. */
export interface CannotStart {
  kind: "cannot-start";
  code: "ENOENT" | "EACCES";
  message: string;
  next: string;
}

/**
 * Decides what `manifest run <command> <args…>` runs. A command with a slash is a path. A
 * bare name is a script of the nearest package.json (run by the project's package manager)
 * if there is one, else a program on PATH, else it cannot start. Scripts win, as in `bun
 * run`: `manifest run test` means the project's tests, never /usr/bin/test; the program
 * stays reachable by its path.
 */
export function resolveCommand(command: string, args: readonly string[], ctx: ResolveContext): Resolved | CannotStart {
  if (command.includes("/")) {
    const file = isAbsolute(command) ? command : resolve(ctx.cwd, command);
    const kind = ctx.kind(file);
    if (kind === "executable") return { kind: "program", file, args: [...args], name: command };
    if (kind === "missing")
      return cannotStart("ENOENT", `\`${command}\` not found: ${file} does not exist.`, "Check the path.");
    return notExecutable(command, file, kind);
  }
  const onPath = findOnPath(command, ctx);
  const script = ctx.packageJson?.scripts[command];
  if (script !== undefined) {
    const detected = ctx.packageManager();
    const manager = findOnPath(detected.manager, ctx).executable;
    if (!manager) {
      return cannotStart(
        "ENOENT",
        `\`${command}\` is a script in package.json, but ${detected.manager} (chosen from ${detected.reason}) is not on PATH.`,
        `Install ${detected.manager} (\`corepack enable\` provides pnpm and yarn), then run it again.`,
      );
    }
    return {
      kind: "script",
      file: manager,
      args: scriptArgs(detected.manager, command, args),
      name: command,
      script: command,
      manager: detected.manager,
      managerReason: detected.reason,
      shadowedProgram: onPath.executable,
    };
  }
  if (onPath.executable) return { kind: "program", file: onPath.executable, args: [...args], name: command };
  if (onPath.other) return notExecutable(command, onPath.other, "file");
  const scripts = Object.keys(ctx.packageJson?.scripts ?? {});
  const where = ctx.packageJson ? "a script in package.json" : "a package.json script (no package.json found)";
  return cannotStart(
    "ENOENT",
    `\`${command}\` not found: it is not a program on PATH nor ${where}.`,
    scripts.length > 0
      ? `Check the spelling. Scripts in package.json: ${scripts.slice(0, 12).join(", ")}${scripts.length > 12 ? ", …" : ""}.`
      : "Check the spelling, install the program, or give its path (./bin/tool).",
  );
}

/** The first executable `name` in PATH, else the first non-executable file of that name. */
function findOnPath(name: string, ctx: ResolveContext): { executable?: string; other?: string } {
  let other: string | undefined;
  for (const dir of (ctx.pathEnv ?? "").split(delimiter)) {
    // An empty PATH entry means the working folder to a shell; it is a trap, not a feature.
    if (dir === "") continue;
    const file = join(isAbsolute(dir) ? dir : resolve(ctx.cwd, dir), name);
    const kind = ctx.kind(file);
    if (kind === "executable") return { executable: file };
    if (kind === "file" && other === undefined) other = file;
  }
  return other === undefined ? {} : { other };
}

function notExecutable(command: string, file: string, kind: FileKind): CannotStart {
  if (kind === "dir")
    return cannotStart("EACCES", `\`${command}\` cannot run: ${file} is a folder.`, "Give the path of a program.");
  return cannotStart(
    "EACCES",
    `\`${command}\` cannot run: ${file} is not executable.`,
    `Make it executable (chmod +x ${file}), or run it through its interpreter (manifest run sh ${command}).`,
  );
}

function cannotStart(code: CannotStart["code"], message: string, next: string): CannotStart {
  return { kind: "cannot-start", code, message, next };
}
