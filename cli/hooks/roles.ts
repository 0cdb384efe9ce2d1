/**
 * Which git hooks Spark installs and what each one does (pure). See `manifest hooks --help`
 * and the notes in cli/hooks/block.ts for why these hooks.
 */

/** The `by` of the pause a rebase sets; only a pause with this `by` is ever cleared by a hook. */
export const HOOK_PAUSE_BY = "git-hook:rebase";

/**
 * `pre-rebase` is the only hook that runs before git starts rewriting the tree. Merges get no
 * pause: git runs no hook before a merge changes the tree (`pre-merge-commit` runs after the
 * merge is done, and only for a clean non-fast-forward merge; a conflicted merge runs none).
 */
export const PAUSE_HOOKS: readonly string[] = ["pre-rebase"];

/**
 * Where a rebase pause is lifted. `post-rewrite rebase` ends a rebase that rewrote commits; the
 * others clean up after the rebases that end without any hook (`--abort`, `--quit`, a rebase
 * that dropped every commit) at the next checkout, merge or commit.
 */
export const RESUME_HOOKS: readonly string[] = ["post-rewrite", "post-checkout", "post-merge", "post-commit"];

/** Client-side hooks git runs (githooks(5)): the names a `hooks` entry in the config may use. */
export const GIT_CLIENT_HOOKS: readonly string[] = [
  "applypatch-msg",
  "pre-applypatch",
  "post-applypatch",
  "pre-commit",
  "pre-merge-commit",
  "prepare-commit-msg",
  "commit-msg",
  "post-commit",
  "pre-rebase",
  "post-checkout",
  "post-merge",
  "pre-push",
  "post-rewrite",
  "pre-auto-gc",
  "post-index-change",
  "sendemail-validate",
];

export type HookRole = "pause" | "resume" | "checks";

/** One hook Spark wants installed, and why. */
export interface HookSpec {
  name: string;
  roles: HookRole[];
  /** The configured checks (`hooks.<name>` in config/spark.ts), run in order. */
  checks: string[];
}

/** The hooks Spark installs for a `hooks` config: the rebase pause hooks plus one per configured hook. */
export function hookSpecs(configured: Record<string, readonly string[]>): HookSpec[] {
  const specs = new Map<string, HookSpec>();
  const add = (name: string, role: HookRole, checks: string[] = []) => {
    const spec = specs.get(name) ?? { name, roles: [], checks: [] };
    spec.roles.push(role);
    spec.checks.push(...checks);
    specs.set(name, spec);
  };
  for (const name of PAUSE_HOOKS) add(name, "pause");
  for (const name of RESUME_HOOKS) add(name, "resume");
  for (const [name, commands] of Object.entries(configured)) {
    const checks = commands.filter((c) => c.trim() !== "");
    if (checks.length > 0) add(name, "checks", checks);
  }
  return [...specs.values()];
}

/** Names in the `hooks` config that git never runs (typos, server-side hooks). */
export function unknownHookNames(configured: Record<string, unknown>): string[] {
  return Object.keys(configured).filter((name) => !GIT_CLIENT_HOOKS.includes(name));
}

// Words that mean the same to sh and to execve: no quotes, globs, variables, redirections.
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,=-]+$/;

/**
 * The argv that runs one configured check. A plain command (`npm test`, `npx vitest run
 * --reporter=dot`) runs directly, so its event names the real command; anything else is a
 * shell string the user wrote, run as `sh -c <string>` (never pasted into a script).
 */
export function checkArgv(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const first = words[0] ?? "";
  const plain = words.every((w) => PLAIN_WORD.test(w)) && !first.includes("=") && !first.startsWith("-");
  return plain ? words : ["sh", "-c", command];
}

/** The `git <verb>` to name when a check stops a hook (for `--no-verify`). */
export function gitCommandOf(hook: string): string {
  if (hook === "pre-push") return "git push";
  if (hook === "pre-rebase") return "git rebase";
  if (hook === "pre-merge-commit") return "git merge";
  if (hook.includes("commit")) return "git commit";
  return "git";
}

/** What the resume hooks need to know to decide, gathered by the hook runner. */
export interface ResumeFacts {
  hook: string;
  /** The hook's arguments (post-rewrite gets `rebase` or `amend`). */
  args: readonly string[];
  /** `by` of the current pause, undefined when there is none (or it is unreadable). */
  pausedBy: string | undefined;
  /** The pause's reason: a hook pause names the git process that set it. */
  pauseReason: string;
  /** A `rebase-merge/` or `rebase-apply/` folder exists in the git dir. */
  rebaseInProgress: boolean;
  /** The pid of the git process running this hook. */
  gitPid: number | undefined;
}

/** The reason written with a rebase pause; it names the git process so its own hooks can tell. */
export function rebasePauseReason(gitPid: number | undefined): string {
  return `git rebase in progress${gitPid ? ` (git pid ${gitPid})` : ""}`;
}

/**
 * Should this hook lift the rebase pause? Only a pause a hook set. `post-rewrite rebase` is the
 * end of a rebase (its state folder still exists then). Other hooks lift it only when no rebase
 * is in progress and they do not belong to the git process that set it: the apply backend runs
 * `post-checkout` from inside the rebase before creating its state folder.
 */
export function shouldResume(f: ResumeFacts): boolean {
  if (f.pausedBy !== HOOK_PAUSE_BY) return false;
  if (f.hook === "post-rewrite") return f.args[0] === "rebase";
  if (!RESUME_HOOKS.includes(f.hook) || f.rebaseInProgress) return false;
  const setter = /\(git pid (\d+)\)/.exec(f.pauseReason)?.[1];
  return !(setter !== undefined && f.gitPid !== undefined && Number(setter) === f.gitPid);
}
