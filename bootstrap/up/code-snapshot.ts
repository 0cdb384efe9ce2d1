import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitError, runGit } from "./git-run.js";
import { heldBack } from "./shipped.js";

/** The project's files as `up` and `push` send them: one git tree of exactly those files. */
export interface CodeSnapshot {
  /** The git tree id of the files sent: the code step's content hash (same files, same id). */
  tree: string;
  /** How many files are sent. */
  files: number;
  /** Tracked files kept back, and why (a `.env`, a key, a submodule…). */
  heldBack: Array<{ path: string; reason: string }>;
  /** Blob ids by path of the files sent: other steps depend on some (package.json, config, …). */
  blobs: Map<string, string>;
}

export class CodeSnapshotError extends Error {
  override readonly name = "CodeSnapshotError";
  constructor(
    message: string,
    readonly next: string,
  ) {
    super(message);
  }
}

/**
 * The tree of the project's files to send: the commit at HEAD (or, with `includeDirty`, the
 * working tree as `git add -A` would stage it, new unignored files included), without what
 * `shipped.ts` keeps back. The real index is never touched: temporary ones are used.
 */
export async function snapshotCode(root: string, options: { includeDirty: boolean }): Promise<CodeSnapshot> {
  const prefix = await gitPrefix(root);
  const scratch = mkdtempSync(join(tmpdir(), "spark-snapshot-"));
  try {
    let treeish: string;
    if (options.includeDirty) {
      const env = { GIT_INDEX_FILE: join(scratch, "work.index") };
      const hasHead = await runGit(root, ["rev-parse", "--verify", "-q", "HEAD"]).then(
        () => true,
        () => false,
      );
      if (hasHead) await runGit(root, ["read-tree", "HEAD"], { env });
      await runGit(root, ["add", "-A", "--", "."], { env });
      treeish = (await runGit(root, ["write-tree", ...(prefix ? [`--prefix=${prefix}`] : [])], { env }))
        .toString()
        .trim();
    } else {
      const head = await runGit(root, ["rev-parse", "--verify", "-q", "HEAD"]).catch(() => undefined);
      if (!head)
        throw new CodeSnapshotError(
          "This project has no commit yet, and only committed files are sent.",
          "Commit them, or add --include-dirty to send the working tree as it is.",
        );
      treeish = `HEAD:${prefix}`;
    }
    const listing = (await runGit(root, ["ls-tree", "-r", "-z", treeish])).toString();
    const kept: string[] = [];
    const held: CodeSnapshot["heldBack"] = [];
    const blobs = new Map<string, string>();
    for (const entry of listing.split("\0")) {
      if (!entry) continue;
      const tab = entry.indexOf("\t");
      const [mode, type, id] = entry.slice(0, tab).split(" ") as [string, string, string];
      const path = entry.slice(tab + 1);
      const why = type === "commit" ? "it is a submodule" : heldBack(path);
      if (why) {
        held.push({ path, reason: why });
        continue;
      }
      kept.push(`${mode} ${id}\t${path}\0`);
      blobs.set(path, id);
    }
    const env = { GIT_INDEX_FILE: join(scratch, "sent.index") };
    await runGit(root, ["update-index", "--add", "-z", "--index-info"], { env, input: kept.join("") });
    const tree = (await runGit(root, ["write-tree"], { env })).toString().trim();
    return { tree, files: kept.length, heldBack: held, blobs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The tree's files as a gzipped tar (what is uploaded). */
export function archiveTree(root: string, tree: string): Promise<Buffer> {
  return runGit(root, ["archive", "--format=tar.gz", tree]);
}

/** The project's path inside its repository ("" at the top), or a clear error outside one. */
async function gitPrefix(root: string): Promise<string> {
  try {
    return (await runGit(root, ["rev-parse", "--show-prefix"])).toString().trim();
  } catch (error) {
    if (error instanceof GitError)
      throw new CodeSnapshotError(
        `${root} is not in a git repository: \`manifest sprite up\` sends the files git tracks.`,
        "Run `git init` and commit the project, then try again.",
      );
    throw error;
  }
}
