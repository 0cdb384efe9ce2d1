import { readFileSync, rmSync } from "node:fs";
import { archiveTree, type CodeSnapshot } from "./code-snapshot.js";
import { desired, markDone, runStepScript, type UpContext, upload } from "./context.js";
import { toolsMissing } from "./facts.js";
import { type PackageSource, packPackage } from "./package-source.js";
import { INSTALL_PACKAGE, LAYOUT, UNPACK_CODE } from "./scripts.js";
import { layoutUndone } from "./stamp.js";
import type { StepOutcome } from "./steps-setup.js";

const MINUTE = 60_000;

/** Whether the code step has nothing to do: the same files were unpacked, and their list is there. */
export function codeIsCurrent(ctx: UpContext): boolean {
  return ctx.stamp.steps.code === desired(ctx).code && ctx.facts.files;
}

/**
 * Step 3: the project's files, one archive through the filesystem API, its sha256 checked
 * there before it is unpacked. Files an agent changed in the Sprite are kept aside first.
 */
export async function codeStep(ctx: UpContext, code: CodeSnapshot): Promise<StepOutcome> {
  if (codeIsCurrent(ctx)) return { changed: false, detail: `${code.files} files` };
  const archive = await archiveTree(ctx.opts.root, code.tree);
  const sent = await upload(ctx, "code", archive);
  const said = await runStepScript(
    ctx,
    "code",
    UNPACK_CODE,
    [sent.name, sent.sha256],
    "unpacking the project's files (tar -xzf)",
    10 * MINUTE,
  );
  const kept = said.split("\n").filter((line) => line.startsWith("kept "));
  if (kept.length > 0)
    ctx.notes.push(
      `${kept.length} file${kept.length === 1 ? "" : "s"} changed in the Sprite since the last push ${kept.length === 1 ? "was" : "were"} replaced; the Sprite's version${kept.length === 1 ? " is" : "s are"} kept: ${kept.map((l) => l.slice(5)).join(", ")}`,
    );
  await markDone(ctx, "code");
  const held = code.heldBack.length > 0 ? `, ${code.heldBack.length} kept back` : "";
  return { changed: true, detail: `${code.files} files, ${kib(archive.length)}${held}` };
}

/**
 * Step 4: this build of manifest-spark (`npm pack`) and the tools, installed into the
 * project with its own dependencies (one `npm install`, kept alive while quiet).
 */
export async function packageStep(ctx: UpContext, pkg: PackageSource): Promise<StepOutcome> {
  const missing = toolsMissing(ctx.facts, ctx.opts.tools);
  const what = [`manifest-spark ${pkg.version}`, ...ctx.opts.tools].join(", ");
  const current = ctx.stamp.steps.package === desired(ctx).package && ctx.facts.spark === pkg.version;
  if (current && missing.length === 0) return { changed: false, detail: what };
  const packed = await packPackage(pkg.root);
  try {
    const sent = await upload(ctx, "package", readFileSync(packed.tarball));
    await runStepScript(
      ctx,
      "package",
      INSTALL_PACKAGE,
      [sent.name, sent.sha256, ...ctx.opts.tools],
      `npm install --no-save manifest-spark@${pkg.version} ${ctx.opts.tools.join(" ")}`,
      20 * MINUTE,
    );
  } finally {
    rmSync(packed.dir, { recursive: true, force: true });
  }
  await markDone(ctx, "package");
  return { changed: true, detail: what };
}

/**
 * Step 5: `manifest spark init` in the Sprite (`.spark/`, the config, Pi's settings, the entry
 * import), the inspect database's schema and a default AGENTS.md. Sent files init changed are
 * remembered: sending files again redoes this step, as does a database gone or of another schema.
 */
export async function layoutStep(ctx: UpContext): Promise<StepOutcome> {
  const sent = ctx.inputs?.code.blobs ?? new Map<string, string>();
  // A file init adjusted that arrives changed from here comes without what init added there.
  const undone = layoutUndone(ctx.stamp.layoutTouched, sent);
  const inspectReady = ctx.facts.inspect === ctx.inputs?.inspectSchema;
  if (ctx.stamp.steps.layout === desired(ctx).layout && ctx.facts.bus && inspectReady && !undone)
    return { changed: false };
  const said = await runStepScript(
    ctx,
    "layout",
    LAYOUT,
    [],
    "manifest spark init; manifest inspect list (the inspect database)",
    5 * MINUTE,
  );
  const changed = initChanges(said);
  ctx.stamp.layoutTouched = Object.fromEntries(
    changed.flatMap((path) => {
      const blob = sent.get(path);
      return blob ? [[path, blob]] : [];
    }),
  );
  await markDone(ctx, "layout");
  return {
    changed: true,
    detail: changed.length > 0 ? `spark init changed ${changed.join(", ")}` : "spark init: nothing to change",
  };
}

/** The paths `spark init --json` says it changed (its document is the first thing on fd 3). Pure. */
export function initChanges(said: string): string[] {
  const start = said.indexOf("{");
  const end = said.lastIndexOf("}");
  if (start === -1 || end < start) return [];
  try {
    const doc = JSON.parse(said.slice(start, end + 1)) as { changes?: Array<{ path?: unknown }> };
    return (doc.changes ?? []).flatMap((c) => (typeof c.path === "string" ? [c.path] : []));
  } catch {
    return [];
  }
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
