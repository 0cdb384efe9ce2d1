import * as z from "zod/mini";

/**
 * The `--json` documents of the setup commands (`spark init`, `doctor`, `hooks …`), as stable
 * schemas beside those of cli/schemas.ts. Tests check the CLI's output against them.
 */

const note = z.object({
  level: z.enum(["info", "warn"]),
  message: z.string(),
  next: z.optional(z.string()),
});

export const initResultSchema = z.object({
  ok: z.literal(true),
  root: z.string(),
  dryRun: z.boolean(),
  changed: z.boolean(),
  changes: z.array(z.object({ path: z.string(), action: z.enum(["create", "update", "mkdir"]), summary: z.string() })),
  notes: z.array(note),
});

export const checkSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["ok", "warn", "fail"]),
  detail: z.string(),
  next: z.optional(z.string()),
  lines: z.optional(z.array(z.string())),
});

export const doctorResultSchema = z.object({
  ok: z.boolean(),
  root: z.string(),
  checks: z.array(checkSchema),
  fixed: z.array(z.string()),
});

const skipped = z.array(z.object({ hook: z.string(), problem: z.string(), next: z.string() }));

export const hooksInstallSchema = z.object({
  ok: z.boolean(),
  hooksDir: z.string(),
  changes: z.array(
    z.object({
      hook: z.string(),
      action: z.enum(["create", "insert", "update", "unchanged", "removed", "deleted"]),
      path: z.string(),
      purpose: z.string(),
    }),
  ),
  skipped,
});

export const hooksUninstallSchema = z.object({
  ok: z.boolean(),
  hooksDir: z.string(),
  changes: z.array(z.object({ hook: z.string(), action: z.enum(["removed", "deleted"]), path: z.string() })),
  skipped,
});

export const hooksStatusSchema = z.object({
  ok: z.literal(true),
  hooksDir: z.string(),
  hooks: z.array(
    z.object({
      name: z.string(),
      roles: z.array(z.enum(["pause", "resume", "checks"])),
      checks: z.array(z.string()),
      state: z.enum(["installed", "outdated", "missing", "blocked", "unneeded"]),
      chained: z.boolean(),
      problem: z.optional(z.string()),
      next: z.optional(z.string()),
    }),
  ),
});
