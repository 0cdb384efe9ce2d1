import { defineCommand } from "citty";
import { removeDeadAgents } from "../../bus/presence.js";
import { jsonArg, withDetails } from "../_args.js";
import { CliError, EXIT, usageError } from "../_errors.js";
import { createOutput, type Output } from "../_output.js";
import { projectPathsLenient, projectRoot } from "../_project.js";
import { removeDemoFolder } from "../demo/project.js";
import type { DownResult } from "../schemas-up.js";
import { returnClients } from "../up/clients.js";
import { listPanes, listSessions } from "../up/session.js";
import { STOP_SIGNALS, stopPanes } from "../up/stop.js";
import { requireTmux, type Tmux } from "../up/tmux.js";

const DEFAULT_TIMEOUT_S = 10;

const DETAILS = `Details:
  Stops  the sidecar and your pi with ${STOP_SIGNALS.sidecar} (they shut down cleanly: presence removed,
         claims released) and the app with Ctrl+C's ${STOP_SIGNALS.app} (\`manifest run\` passes it on), all at
         once; waits until they have ended (--timeout), then kills the session. Panes you
         opened yourself are hung up with it. A presence file a program left behind is
         removed (Pi killed by a signal cannot remove its own).
  Clients a tmux client that switched to the session from another one goes back there; one
         that attached to it directly detaches.
  Demo   in a \`manifest demo\` folder, the folder is removed too.
  Finds  the session \`manifest up\` made for this project (whatever its name), on the server
         SPARK_TMUX_SOCKET names (your default one when unset).
  Exit   0 when it closed cleanly, and when there was nothing to close (no session, no tmux);
         1 when a program did not stop in time and was killed with the session.`;

/** `manifest down [--timeout <s>] [--json]`. */
export const downCommand = defineCommand({
  meta: withDetails(
    { name: "down", description: "Close the project's tmux session: stop the sidecar, the app and pi cleanly" },
    DETAILS,
  ),
  args: {
    timeout: {
      type: "string",
      description: `Seconds to wait for the programs to stop before killing the session (default ${DEFAULT_TIMEOUT_S})`,
    },
    ...jsonArg,
  },
  async run({ args }) {
    const out = createOutput(Boolean(args.json));
    const timeoutMs = parseTimeout(args.timeout);
    const root = projectRoot();
    const tmux = await tmuxIfInstalled();
    const session = tmux ? (await listSessions(tmux)).find((s) => s.root === root) : undefined;
    if (!tmux || !session) {
      const doc: DownResult = {
        ok: true,
        root,
        session: null,
        closed: false,
        clean: true,
        panes: [],
        clientsReturned: 0,
        deadPresenceRemoved: [],
        demoFolderRemoved: false,
      };
      out.document(doc);
      out.line(`Nothing to close: no Spark session for ${root}${tmux ? "" : " (tmux is not installed)"}.`);
      return EXIT.ok;
    }
    const stops = await stopPanes(await listPanes(tmux, session.id), timeoutMs);
    const clientsReturned = await returnClients(tmux, session.id);
    await killSession(tmux, session.id);
    const clean = stops.every((s) => s.stopped);
    const deadPresenceRemoved = removeLeftPresence(root);
    const doc: DownResult = {
      ok: clean,
      root,
      session: session.name,
      closed: true,
      clean,
      panes: stops,
      clientsReturned,
      deadPresenceRemoved,
      demoFolderRemoved: removeDemoFolder(root),
    };
    out.document(doc);
    if (!out.json) printDown(out, doc, timeoutMs);
    return clean ? EXIT.ok : EXIT.failure;
  },
});

/**
 * Removes the presence files of the programs that just ended without removing their own:
 * whoever finds a dead entry removes it (bus protocol). Pi stopped by SIGTERM is one: a
 * library it uses re-raises the signal before Pi's own clean shutdown has run.
 */
function removeLeftPresence(root: string): string[] {
  try {
    return removeDeadAgents(projectPathsLenient(root).paths);
  } catch {
    // The folder went meanwhile (the demo removes its own): nothing is left to clean.
    return [];
  }
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`--timeout "${value}" is not a number of seconds.`, "For example: manifest down --timeout 30");
  }
  return seconds * 1000;
}

/** The tmux client, or undefined when tmux is not installed (then no session can be open). */
async function tmuxIfInstalled(): Promise<Tmux | undefined> {
  try {
    return await requireTmux();
  } catch (error) {
    if (error instanceof CliError && error.code === "E_NO_TMUX") return undefined;
    throw error;
  }
}

async function killSession(tmux: Tmux, sessionId: string): Promise<void> {
  try {
    await tmux.run("kill-session", "-t", sessionId);
  } catch (error) {
    // Gone already (its last pane closed while waiting): closed all the same.
    if (!(await listSessions(tmux)).some((s) => s.id === sessionId)) return;
    throw error;
  }
}

function printDown(out: Output, doc: DownResult, timeoutMs: number): void {
  const { bold, green, yellow, dim } = out.style;
  for (const pane of doc.panes) {
    const how = pane.signal === null ? dim("had already ended") : `stopped (${pane.signal})`;
    out.line(
      `  ${pane.role.padEnd(8)}${pane.stopped ? how : yellow(`did not stop within ${timeoutMs / 1000}s (${pane.signal}): killed with the session`)}`,
    );
  }
  out.line(`${doc.clean ? green("✔") : yellow("⚠")} Spark session ${bold(doc.session ?? "")} closed.`);
  if (doc.clientsReturned > 0) out.line(dim("  Your tmux client went back to the session it came from."));
  if (doc.demoFolderRemoved) out.line(`  The demo folder ${doc.root} was removed: \`cd\` elsewhere.`);
  if (!doc.clean) {
    out.line(
      dim("  What was killed may have left presence files or claims: `manifest doctor --fix` clears dead presence."),
    );
  }
}
