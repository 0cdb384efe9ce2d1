import { spawn, spawnSync } from "node:child_process";
import { delimiter } from "node:path";
import { listSessions } from "../up/session.js";
import { tmuxClient } from "../up/tmux.js";
import { type DemoProject, demoBinDir, manifestArgv, removeDemoFolder } from "./project.js";
import { type StoryStep, story } from "./story.js";

export interface InteractiveDemoOptions {
  project: DemoProject;
  port: number;
  replay: boolean;
  print: (step: StoryStep) => void;
}

/**
 * The demo in tmux: `manifest up` opens the layout (your pi, the sidecar dashboard, the app)
 * and attaches this terminal; a few seconds later the demo sends the request that fails, so
 * the error can be watched arriving. Resolves when the person leaves tmux: when they closed
 * the layout (q in the dashboard), the demo's folder goes with it; when they only detached,
 * it says how to come back and how to close it.
 */
export async function runInteractiveDemo(o: InteractiveDemoOptions): Promise<number> {
  const { dir } = o.project;
  // `up` hands SPARK_* and PATH to its panes: the sidecar pane then serves the scripted fix
  // itself, and `pi` and `manifest` there are the demo folder's own (see installBins).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [demoBinDir(dir), process.env.PATH].filter(Boolean).join(delimiter),
    SPARK_ROOT: "",
    SPARK_ENV: "",
    SPARK_REPLAY: o.replay ? "1" : "",
  };
  const url = `http://127.0.0.1:${o.port}`;
  o.print(story.tmux(url, o.replay));
  // The request is sent once the app answers, a moment after the layout is on screen.
  const trigger = (async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const healthy = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 2500));
    await fetch(`${url}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"Ada","password":"s3cret"}',
    }).catch(() => undefined);
  })();
  // Create (or reuse) the layout, then go there: attach outside tmux; inside it, switch this
  // client (up would do the same, but then the demo could not tell whether it worked).
  const created = runManifest(["up", "--detach", "--json"], dir, env);
  if (created.code !== 0) {
    await trigger;
    o.print(story.failed(created.stderr.trim()));
    return created.code;
  }
  const doc = JSON.parse(created.stdout) as { sessionId: string; session: string; notes?: string[] };
  const session = doc.session;
  for (const note of doc.notes ?? []) o.print(story.note(note));
  if (process.env.TMUX) {
    const switched = spawnSync("tmux", [...socketArgs(), "switch-client", "-t", session], { stdio: "ignore" });
    await trigger;
    o.print(switched.status === 0 ? story.switched(dir) : story.openIt(session, dir));
    return 0;
  }
  // Attached directly: `up` would print its own summary (and its own way to close) first.
  const code = await new Promise<number>((resolve) => {
    const attach = spawn("tmux", [...socketArgs(), "attach-session", "-t", doc.sessionId], { stdio: "inherit" });
    attach.on("close", (c) => resolve(c ?? 1));
    attach.on("error", () => resolve(1));
  });
  if (await layoutOpen(dir, env)) {
    o.print(story.leftTmux(dir));
    return code;
  }
  // Closed from inside (q in the dashboard runs `manifest down`): nothing is left to come back to.
  removeDemoFolder(dir);
  o.print(story.closed(dir));
  return 0;
}

/** Whether the project's tmux session is still there. */
async function layoutOpen(root: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    return (await listSessions(tmuxClient(env))).some((s) => s.root === root);
  } catch {
    return false;
  }
}

function runManifest(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...manifestArgv(), ...args], { cwd, env, encoding: "utf8" });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** The tmux server `up` used: SPARK_TMUX_SOCKET when set, else the one this terminal is in. */
function socketArgs(): string[] {
  const socket = process.env.SPARK_TMUX_SOCKET;
  if (!socket) return [];
  return socket.includes("/") ? ["-S", socket] : ["-L", socket];
}
