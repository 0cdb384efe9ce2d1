import type { HookSpec } from "./roles.js";

/**
 * Spark's part of a git hook file (pure): a marked POSIX sh block, inserted right after the
 * shebang so it runs even when the rest of the hook ends with `exit 0`, and written so the
 * rest still runs after it: it works in a subshell (no variables leak), reads nothing from
 * stdin (pre-push and post-rewrite hand their stdin to the user's part), and exits the hook
 * only when a configured check fails.
 */

export const BLOCK_BEGIN = "# >>> manifest-spark >>>";
export const BLOCK_END = "# <<< manifest-spark <<<";
/** Marks a hook file Spark created, so uninstall deletes it instead of leaving a bare shebang. */
const CREATED_LINE = "# manifest-spark: this file was created by `manifest hooks install`";
const SHEBANG = "#!/bin/sh\n";

/** Where the block finds the `manifest` that installed it. */
export interface BlockContext {
  /** Absolute path of node. */
  node: string;
  /** Absolute path of the installing `manifest`'s dist/cli.js. */
  cli: string;
  /** The Spark project's folder relative to the worktree root, "" when it is the root. */
  prefix: string;
}

/** Single-quotes a value for sh. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function shUnquote(quoted: string): string | undefined {
  if (!/^'(?:[^']|'\\'')*'$/.test(quoted)) return undefined;
  return quoted.slice(1, -1).replace(/'\\''/g, "'");
}

/** What the block does in this hook, in words. */
export function hookPurpose(spec: HookSpec): string {
  const parts: string[] = [];
  if (spec.roles.includes("pause")) parts.push("pauses Spark while git rebases");
  if (spec.roles.includes("resume")) parts.push("lifts the pause a rebase set, once the rebase is over");
  if (spec.roles.includes("checks")) parts.push(`runs the \`hooks["${spec.name}"]\` checks of config/spark.ts`);
  return parts.join("; ");
}

/** The block for one hook (ends with a newline). */
export function renderBlock(spec: HookSpec, ctx: BlockContext, created = false): string {
  const checks = spec.roles.includes("checks");
  const resumeOnly = !checks && !spec.roles.includes("pause");
  const invoke = `hooks run ${spec.name}${checks ? " --checks" : ""} -- "$@"`;
  const lines = [BLOCK_BEGIN];
  if (created) lines.push(CREATED_LINE);
  lines.push(
    `# Spark ${hookPurpose(spec)}. \`manifest hooks uninstall\` removes this block.`,
    "# Your own hook code, if any, runs after it.",
    "(",
  );
  if (ctx.prefix !== "") {
    // Git hands relative paths to hooks; they must survive the cd into the Spark project.
    lines.push(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a JS template
      '  case "${GIT_INDEX_FILE-}" in ""|/*) ;; *) GIT_INDEX_FILE="$PWD/$GIT_INDEX_FILE"; export GIT_INDEX_FILE ;; esac',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a JS template
      '  case "${GIT_DIR-}" in ""|/*) ;; *) GIT_DIR="$PWD/$GIT_DIR"; export GIT_DIR ;; esac',
      `  cd ${shQuote(ctx.prefix)} 2>/dev/null || exit 0`,
    );
  }
  if (resumeOnly) {
    // Runs on every commit and checkout: skip starting node unless a hook pause is there.
    lines.push("  [ -f .spark/pause ] && grep -q 'git-hook:rebase' .spark/pause 2>/dev/null || exit 0");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a JS template
    if (spec.name === "post-rewrite") lines.push('  [ "${1-}" = rebase ] || exit 0');
  }
  lines.push(
    `  spark_node=${shQuote(ctx.node)}`,
    `  spark_cli=${shQuote(ctx.cli)}`,
    '  [ -x "$spark_node" ] || spark_node=node',
    `  if [ -f "$spark_cli" ]; then set -- "$spark_node" "$spark_cli" ${invoke}`,
    `  elif [ -x node_modules/.bin/manifest ]; then set -- node_modules/.bin/manifest ${invoke}`,
    `  elif command -v manifest >/dev/null 2>&1; then set -- manifest ${invoke}`,
    "  else echo 'Spark: the manifest command is gone: reinstall Spark, or run `manifest hooks uninstall`.' >&2; exit 0",
    "  fi",
    "  SPARK_GIT_PID=$PPID",
    "  export SPARK_GIT_PID",
    '  exec "$@" </dev/null',
    // A failed check stops git; a Spark problem never blocks a rebase or a checkout.
    checks ? ") || exit $?" : ") || :",
    BLOCK_END,
  );
  return `${lines.join("\n")}\n`;
}

/** Where the block sits in a hook file. */
export type BlockLocation =
  | { found: false }
  | { found: true; start: number; end: number; text: string; created: boolean }
  | { found: "broken"; problem: string };

/** Finds Spark's block (from its begin line to the end of its end line). */
export function findBlock(content: string): BlockLocation {
  const begin = lineIndex(content, BLOCK_BEGIN);
  if (begin === -1) return { found: false };
  const endLine = lineIndex(content, BLOCK_END, begin);
  if (endLine === -1) return { found: "broken", problem: `it has "${BLOCK_BEGIN}" but no "${BLOCK_END}" line` };
  const newline = content.indexOf("\n", endLine);
  const end = newline === -1 ? content.length : newline + 1;
  const text = content.slice(begin, end);
  return { found: true, start: begin, end, text, created: text.includes(`\n${CREATED_LINE}\n`) };
}

function lineIndex(content: string, line: string, from = 0): number {
  for (let at = content.indexOf(line, from); at !== -1; at = content.indexOf(line, at + 1)) {
    const startsLine = at === 0 || content[at - 1] === "\n";
    const next = content[at + line.length];
    if (startsLine && (next === undefined || next === "\n" || next === "\r")) return at;
  }
  return -1;
}

/** The node and cli paths an installed block calls, to compare it with what install would write. */
export function blockPaths(text: string): { node: string; cli: string } | undefined {
  const node = /^ {2}spark_node=('.*')$/m.exec(text)?.[1];
  const cli = /^ {2}spark_cli=('.*')$/m.exec(text)?.[1];
  const n = node === undefined ? undefined : shUnquote(node);
  const c = cli === undefined ? undefined : shUnquote(cli);
  return n !== undefined && c !== undefined ? { node: n, cli: c } : undefined;
}

/** Shells whose syntax the block is valid in. */
const SH_FAMILY = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"]);

/** The interpreter of a hook file when it is not a POSIX-style shell (undefined: sh can run the block). */
export function foreignInterpreter(content: string): string | undefined {
  if (!content.startsWith("#!")) return undefined; // git runs a hook without a shebang with sh
  const words = (content.split("\n", 1)[0] ?? "").slice(2).trim().split(/\s+/);
  let program = (words[0] ?? "").split("/").pop() ?? "";
  if (program === "env") program = words.slice(1).find((w) => !w.startsWith("-")) ?? "";
  return SH_FAMILY.has(program) ? undefined : program || "an unknown interpreter";
}

/** The hook file as install and status see it. */
export interface HookFile {
  content: string;
  executable: boolean;
  symlink: boolean;
}

/** What install does to one hook file. */
export type HookFilePlan =
  | { action: "create" | "insert" | "update"; content: string }
  | { action: "unchanged" }
  | { action: "skip"; problem: string; next: string };

/** Plans the new content of one hook file; never drops a byte of the user's part. */
export function planHookFile(file: HookFile | undefined, spec: HookSpec, ctx: BlockContext): HookFilePlan {
  if (!file) return { action: "create", content: SHEBANG + renderBlock(spec, ctx, true) };
  const manual = `add \`manifest hooks run ${spec.name}${spec.roles.includes("checks") ? " --checks" : ""} -- "$@"\` to it yourself`;
  if (file.symlink) {
    return { action: "skip", problem: "it is a symbolic link (Spark never writes through one)", next: manual };
  }
  const location = findBlock(file.content);
  if (location.found === "broken") {
    return {
      action: "skip",
      problem: `its Spark block is damaged: ${location.problem}`,
      next: "remove the block by hand, then run `manifest hooks install` again",
    };
  }
  if (location.found) {
    const block = renderBlock(spec, ctx, location.created);
    if (block === location.text) return { action: "unchanged" };
    return {
      action: "update",
      content: file.content.slice(0, location.start) + block + file.content.slice(location.end),
    };
  }
  if (!file.executable) {
    return {
      action: "skip",
      problem: "it is not executable, so git ignores it",
      next: "make it executable (chmod +x) or delete it, then run `manifest hooks install` again",
    };
  }
  const foreign = foreignInterpreter(file.content);
  if (foreign) return { action: "skip", problem: `it is a ${foreign} script, not a shell script`, next: manual };
  const at = file.content.startsWith("#!") ? afterFirstLine(file.content) : 0;
  const head = file.content.slice(0, at);
  // A shebang with no newline after it (a one-line file) needs one before the block.
  const glue = at > 0 && !head.endsWith("\n") ? "\n" : "";
  return { action: "insert", content: head + glue + renderBlock(spec, ctx) + file.content.slice(at) };
}

function afterFirstLine(content: string): number {
  const newline = content.indexOf("\n");
  return newline === -1 ? content.length : newline + 1;
}

/** What uninstall does to one hook file. */
export type HookRemoval =
  | { action: "none" }
  | { action: "delete" }
  | { action: "update"; content: string }
  | { action: "skip"; problem: string; next: string };

/** Removes Spark's block; deletes the file when Spark created it and nothing else was added. */
export function removeFromHookFile(content: string): HookRemoval {
  const location = findBlock(content);
  if (location.found === false) return { action: "none" };
  if (location.found === "broken") {
    return {
      action: "skip",
      problem: `its Spark block is damaged: ${location.problem}`,
      next: "remove the block by hand",
    };
  }
  const rest = content.slice(0, location.start) + content.slice(location.end);
  if (location.created && (rest === SHEBANG || rest.trim() === "" || rest.trim() === SHEBANG.trim())) {
    return { action: "delete" };
  }
  return { action: "update", content: rest };
}
