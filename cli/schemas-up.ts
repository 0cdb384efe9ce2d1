import * as z from "zod/mini";

/**
 * The `--json` documents of `manifest up` and `manifest down`, as stable schemas beside those
 * of cli/schemas.ts. Tests check the CLI's output against them.
 */

const role = z.enum(["human", "sidecar", "app", "relay"]);

export const upResultSchema = z.object({
  ok: z.literal(true),
  root: z.string(),
  /** The session's name (what `tmux attach -t` takes). */
  session: z.string(),
  sessionId: z.string(),
  /** SPARK_TMUX_SOCKET when it chose the server, else null (the default server). */
  socket: z.nullable(z.string()),
  /** False when the session already existed and was reused. */
  created: z.boolean(),
  /** Whether this terminal attached, or the tmux client switched, to it. */
  attached: z.boolean(),
  /** Why it did not attach, when it did not (`--detach`, `--json`, `no terminal`…). */
  notAttachedBecause: z.nullable(z.string()),
  /** The command that attaches to it. */
  attach: z.string(),
  panes: z.array(
    z.object({
      role,
      /** tmux's pane id (`%4`), or null when that pane was closed. */
      id: z.nullable(z.string()),
      /** The command as configured (`pi`, `manifest run dev`). */
      command: z.string(),
      /** What tmux runs without a shell, or null when the user's shell runs `command`. */
      argv: z.nullable(z.array(z.string())),
      /** The message shown instead of a command that cannot start, or null. */
      notice: z.nullable(z.string()),
      /**
       * `started` (new), `restarted` (its program had ended), `running`, `closed`, `added` (the
       * relay's pane, new in a session made before the config named a hub).
       */
      state: z.enum(["started", "restarted", "running", "closed", "added"]),
    }),
  ),
  /** What Spark noticed and did for the panes, in its own words (Pi's missing search tools). */
  notes: z.array(z.string()),
});

export const downResultSchema = z.object({
  /** False when a program had to be killed with the session (exit 1). */
  ok: z.boolean(),
  root: z.string(),
  /** The session closed, or null when there was none. */
  session: z.nullable(z.string()),
  closed: z.boolean(),
  /** Whether every pane's program stopped before the session was killed. */
  clean: z.boolean(),
  /** tmux clients sent back to the session they came from (instead of being detached). */
  clientsReturned: z.number(),
  /** Presence files of programs that ended without removing their own (agents/<file>). */
  deadPresenceRemoved: z.array(z.string()),
  /** The project was a demo's own folder (`manifest demo`), removed with its layout. */
  demoFolderRemoved: z.boolean(),
  panes: z.array(
    z.object({
      role,
      id: z.string(),
      signal: z.nullable(z.string()),
      stopped: z.boolean(),
    }),
  ),
});

export type UpResult = z.output<typeof upResultSchema>;
export type DownResult = z.output<typeof downResultSchema>;
