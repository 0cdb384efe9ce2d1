import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { createOutput, type Output } from "../_output.js";
import { projectConfig } from "../_project.js";
import { ensureTools, SIDECAR_TOOLS } from "../_tools.js";
import { resolveCommand } from "../run/resolve.js";
import { resolveContext } from "../run/resolve-context.js";
import type { UpResult } from "../schemas-up.js";
import { attachHint, attachMode, attachTerminal, switchClient } from "../up/attach.js";
import { paneEnvironment } from "../up/layout.js";
import { type PanePlan, type PlanContext, planPanes } from "../up/panes.js";
import { missingPiTools, missingToolsNote } from "../up/pi-tools.js";
import {
  addRelayPane,
  createSession,
  ensureExtendedKeys,
  findProjectSession,
  listPanes,
  listSessions,
  restartPanes,
  type SessionInfo,
} from "../up/session.js";
import { sessionName } from "../up/session-name.js";
import { requireTmux, type Tmux } from "../up/tmux.js";

const DETAILS = `Details:
  Session  config up.session, else the project folder's name; characters tmux forbids (. :) and
           other odd ones become "-". A second \`up\` reuses the session (found by project, so a
           renamed config still finds it); a session of that name that is not this project's is
           left alone (exit 1).
  Panes    left (60%): up.human (default "pi"); top right: the sidecar dashboard, \`manifest
           sidecar\`; bottom right: up.app (default "manifest run dev"), and under it \`manifest
           relay\` when config/spark.ts names a hub (a session made before that gets it at
           the next \`up\`). On a screen under 120×32 (and with --detach, sized for 80×24):
           pi and the dashboard side by side, the app (and the relay) in a strip across the
           bottom. Your commands run in your shell as written; "manifest" at their start,
           like the sidecar's, is this same manifest (no global install needed). A command
           that cannot start (no "dev" script, no pi on PATH) gets a pane that says what to do
           instead. A pane whose program ends stays with its last output; the next \`up\`
           restarts it (and notice panes).
  Attach   outside tmux this terminal attaches (Ctrl+B d detaches); inside tmux the client
           switches to the session, never nesting. With --detach, --json or without a
           terminal it only creates and prints what it made.
  Env      panes get PATH, NODE_ENV, SPARK_* and PI_* from this shell, the rest from the tmux
           server (API keys are not passed: they would show on tmux's command line).
  Pi       tmux's extended-keys is turned on (Pi needs it for Shift+Enter). Without fd and
           ripgrep, which Pi's file search uses, your pi starts offline (PI_OFFLINE=1) rather
           than try to download them each time; \`up\` says how to install them.
  Socket   SPARK_TMUX_SOCKET=<name> (tmux -L) or =<path> (tmux -S) uses that tmux server
           instead of your default one: for tests and advanced use.
  tmux 3.2 or newer is needed, and the sidecar's Pi SDK and blessed (in the project, or a global
  Pi): without them, exit 1 with the install command.
  \`manifest down\` closes the session.`;

/** `manifest up [--detach] [--json]`. */
export const upCommand = defineCommand({
  meta: withDetails(
    {
      name: "up",
      description: "Open the project's tmux session (or go back to it): your pi, the sidecar dashboard, and the app",
    },
    DETAILS,
  ),
  args: {
    detach: { type: "boolean", description: "Create or reuse the session, but do not attach to it" },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    // The sidecar pane runs `manifest sidecar`: without Pi or blessed it could only show an error.
    ensureTools("manifest up", SIDECAR_TOOLS);
    const tmux = await requireTmux();
    const { root, config } = projectConfig();
    const missing = missingPiTools(process.env);
    const plans = planPanes(config.up, planContext(root, process.env), { hub: config.hub !== undefined }).map((plan) =>
      plan.role === "human" && missing.length > 0
        ? { ...plan, env: [...(plan.env ?? []), ["PI_OFFLINE", "1"] as [string, string]] }
        : plan,
    );
    const env = paneEnvironment(process.env);
    const name = sessionName(config.up.session, root);
    const existing = findProjectSession(await listSessions(tmux), root, name);
    const notes = [missingToolsNote(missing)].filter((n): n is string => n !== undefined);

    const size = args.detach || out.json ? undefined : await screenSize(tmux);
    const input = { name, root, node: process.execPath, env, plans, size };
    const { session, panes } = existing ? await reuse(tmux, existing, input) : await create(tmux, input);

    const socket = process.env.SPARK_TMUX_SOCKET || null;
    const choice = attachMode({
      detach: Boolean(args.detach),
      json: out.json,
      // isatty, not process.stdin: that would open a stream on the terminal tmux attach inherits.
      stdinTTY: isatty(0),
      stdoutTTY: isatty(1),
      tmuxEnv: process.env.TMUX || undefined,
      socketChosen: socket !== null,
      serverSocket: session.socketPath,
    });
    let attached = false;
    let why = choice.why ?? null;
    if (choice.mode === "switch") {
      try {
        await switchClient(tmux, session.id);
        attached = true;
      } catch (error) {
        why = (error as Error).message;
      }
    }
    const doc: UpResult = {
      ok: true,
      root,
      session: session.name,
      sessionId: session.id,
      socket,
      created: existing === undefined,
      attached: attached || choice.mode === "attach",
      notAttachedBecause: choice.mode === "attach" || attached ? null : why,
      attach: attachHint(tmux.socketArgs, session.name),
      panes,
      notes,
    };
    out.document(doc);
    if (!out.json) printUp(out, doc);
    return choice.mode === "attach" ? attachTerminal(tmux, session.id) : 0;
  },
});

type Input = Parameters<typeof createSession>[1];
type Shown = { session: SessionInfo; panes: UpResult["panes"] };

/** A new session with the planned panes. */
async function create(tmux: Tmux, input: Input): Promise<Shown> {
  const created = await createSession(tmux, input);
  return {
    session: created.session,
    panes: input.plans.map((plan) => paneJson(plan, created.panes[plan.role] ?? null, "started")),
  };
}

/** The existing session, its ended (or notice) panes restarted. */
async function reuse(tmux: Tmux, session: SessionInfo, input: Input): Promise<Shown> {
  await ensureExtendedKeys(tmux);
  const live = await listPanes(tmux, session.id);
  const restarted = await restartPanes(tmux, live, input);
  const relay = await addRelayPane(tmux, session.id, live, input);
  const panes = input.plans.map((plan) => {
    if (plan.role === "relay" && relay) return paneJson(plan, relay, "added");
    const id = live.find((p) => p.role === plan.role)?.id ?? null;
    return paneJson(plan, id, id === null ? "closed" : restarted.includes(plan.role) ? "restarted" : "running");
  });
  return { session, panes };
}

/**
 * The size of the screen that will show the session: the tmux client `up` runs in (inside
 * tmux), else this terminal. Undefined without a terminal.
 */
async function screenSize(tmux: Tmux): Promise<{ width: number; height: number } | undefined> {
  if (!isatty(1)) return undefined;
  if (process.env.TMUX) {
    const text = await tmux.run("display-message", "-p", "#{client_width} #{client_height}").catch(() => "");
    const [width, height] = text.trim().split(" ").map(Number);
    if (width && height) return { width, height };
  }
  const { columns, rows } = process.stdout;
  return columns && rows ? { width: columns, height: rows } : undefined;
}

/** The argv that runs this same manifest: the running node, its flags and the CLI script. */
function selfArgv(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1] ?? "manifest"];
}

/** Planning against the real project: programs and scripts resolved as `manifest run` does. */
function planContext(root: string, env: NodeJS.ProcessEnv): PlanContext {
  const ctx = resolveContext(root, env);
  return {
    self: selfArgv(),
    node: process.execPath,
    canRun: (program) => resolveCommand(program, [], { ...ctx, packageJson: undefined }).kind === "program",
    runProblem(command, args) {
      const resolved = resolveCommand(command, args, ctx);
      if (resolved.kind !== "cannot-start") return undefined;
      // The usual case, `manifest run dev` in a project without that script, has one clear fix.
      const noScript =
        resolved.code === "ENOENT" && !command.includes("/") && ctx.packageJson?.scripts[command] === undefined;
      return {
        message: resolved.message,
        next: noScript ? `Add a "${command}" script to package.json.` : resolved.next,
      };
    },
  };
}

function paneJson(
  plan: PanePlan,
  id: string | null,
  state: UpResult["panes"][number]["state"],
): UpResult["panes"][number] {
  return {
    role: plan.role,
    id,
    command: plan.command,
    argv: "argv" in plan.start ? plan.start.argv : null,
    notice: plan.notice ?? null,
    state,
  };
}

function printUp(out: Output, doc: UpResult): void {
  const { bold, dim, yellow } = out.style;
  const verb = doc.created ? "started" : "is running";
  out.line(
    `${bold("Spark")} session ${bold(doc.session)} ${verb}${doc.socket ? dim(` (tmux server ${doc.socket})`) : ""}`,
  );
  for (const pane of doc.panes) {
    const state = pane.state === "started" || pane.state === "running" ? "" : dim(` (${pane.state})`);
    out.line(`  ${pane.role.padEnd(8)}${(pane.id ?? "-").padEnd(5)}${pane.command}${state}`);
    const problem = pane.notice?.split("\n")[1];
    if (problem) out.line(`  ${" ".repeat(13)}${yellow(`⚠ ${problem} (see the pane)`)}`);
  }
  if (doc.panes.some((p) => p.state === "closed")) {
    out.line(dim("  A closed pane comes back with `manifest down`, then `manifest up`."));
  }
  for (const note of doc.notes) out.line(yellow(`⚠ ${note}`));
  if (!doc.attached)
    out.line(`Attach: ${doc.attach}${doc.notAttachedBecause ? dim(`  (${doc.notAttachedBecause})`) : ""}`);
  out.line(`Close:  manifest down`);
}
